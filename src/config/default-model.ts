/**
 * What `ferry serve` runs with neither --upstream nor --model: a small tool-capable coding model
 * (Qwen2.5-Coder 1.5B Instruct, Q4_K_M, about 1.1 GB), fetched into the model cache on first run.
 */
export const defaultModel = 'hf:Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF:Q4_K_M';

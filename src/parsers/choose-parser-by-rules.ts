/**
 * One `auto` rule: a parser name, chosen when every `template` marker occurs in the chat template
 * (a string as it is, a pattern where it matches) or when `model` matches the served model name
 * (lower-cased).
 */
export interface ParserRule {
  parser: string;
  template?: readonly (string | RegExp)[];
  model?: RegExp;
}

/**
 * The first rule the chat template decides, else the first rule the model name decides, else
 * undefined. The template goes first: it is what the model was actually trained to write.
 */
export function chooseParserByRules(
  rules: readonly ParserRule[],
  servedModelName: string,
  chatTemplate: string | undefined,
): string | undefined {
  const byTemplate = rules.find(
    (rule) =>
      rule.template !== undefined &&
      chatTemplate !== undefined &&
      rule.template.every((marker) =>
        typeof marker === 'string' ? chatTemplate.includes(marker) : marker.test(chatTemplate),
      ),
  );
  if (byTemplate !== undefined) return byTemplate.parser;
  const name = servedModelName.toLowerCase();
  return rules.find((rule) => rule.model?.test(name) === true)?.parser;
}

// A SentencePiece-style ("llama" tokenizer model) vocabulary generated from word lists, laid
// out like a Llama/Qwen vocab: <unk>, <s>, </s>, 256 byte-fallback pieces, ordinary pieces,
// then the chat and tool tokens appended at the end.
//
// llama.cpp's SPM tokenizer starts from single characters and repeatedly merges the adjacent
// pair whose concatenation is a vocab piece with the best score. A word only becomes one piece
// if a chain of merges reaches it, so every prefix of every word is added too: the leftmost
// symbol can then always absorb its right neighbour. Characters that are not pieces fall back
// to <0xXX> bytes, which makes any UTF-8 text round-trip exactly.

/** llama.cpp's llama_token_type values, as stored in tokenizer.ggml.token_type. */
export const tokenType = {
  normal: 1,
  unknown: 2,
  control: 3,
  userDefined: 4,
  byte: 6,
} as const;

export interface TinyVocabulary {
  tokens: string[];
  scores: number[];
  types: number[];
  /** True for pieces that exist only as a step on a merge path (e.g. `▁betw`), not as words. */
  fragments: boolean[];
}

/** The word-start marker SentencePiece substitutes for a space. */
export const spaceMarker = '\u2581';

const englishWords = `the of and to a in is it you that he was for on are as with his they I at be
this have from or one had by word but not what all were we when your can said there use an each
which she do how their if will up other about out many then them these so some her would make like
him into time has look two more write go see number no way could people my than first water been
call who oil its now find long down day did get come made may part over new sound take only little
work know place year live me back give most very after thing our just name good sentence man think
say great where help through much before line right too mean old any same tell boy follow came want
show also around form three small set put end does another well large must big even such because
turn here why ask went men read need land different home us move try kind hand picture again change
off play spell air away animal house point page letter mother answer found study still learn should
world high every near add food between own below country plant last school father keep tree never
start city earth eye light thought head under story saw left few while along might close something
seem next hard open example begin life always those both paper together got group often run hello
please thanks sorry yes okay sure weather today tomorrow question list file code test model tool`;

const codeWords = `function return const let var import export default class interface type extends
implements async await yield if else for while do switch case break continue try catch finally
throw new delete typeof instanceof void null undefined true false this super static public private
protected readonly string number boolean object any unknown never def self print None True False
lambda from pass raise with elif not and or is in range len dict int str float bool json http https
www com api key value name id data error message content role user assistant system tools call
result query text path url request response status get set post put map filter reduce push length
console log main args config options input output read write bash python javascript typescript src
index package node npm git`;

const greetings = splitWords('hello please thanks sorry yes okay sure what how why');

const suffixes = splitWords('s es ed er ing ly tion ment ness able ful est');

// Code punctuation; `\\n` is a backslash and an n, as escaped newlines appear in JSON and code.
const symbolPieces =
  splitWords(`() {} [] (); ): ){ => == === != !== <= >= && || ++ -- += -> :: // /*
*/ </ /> ": ", "} {" ... .log .js .ts .py .com :// \\n 's n't`);

/** The chat and tool tokens of a Qwen-style model, appended after the ordinary pieces. */
export const chatTokens = [
  { text: '<|im_start|>', type: tokenType.control },
  { text: '<|im_end|>', type: tokenType.control },
  { text: '<tool_call>', type: tokenType.userDefined },
  { text: '</tool_call>', type: tokenType.userDefined },
  { text: '<tool_response>', type: tokenType.userDefined },
  { text: '</tool_response>', type: tokenType.userDefined },
  { text: '<think>', type: tokenType.userDefined },
  { text: '</think>', type: tokenType.userDefined },
] as const;

export type ChatTokenText = (typeof chatTokens)[number]['text'];

/** Builds the vocabulary; it never depends on writer options, so token ids are fixed. */
export function buildTinyVocabulary(): TinyVocabulary {
  const vocabulary: TinyVocabulary = { tokens: [], scores: [], types: [], fragments: [] };
  const add = (text: string, score: number, type: number, fragment = false) => {
    vocabulary.tokens.push(text);
    vocabulary.scores.push(score);
    vocabulary.types.push(type);
    vocabulary.fragments.push(fragment);
  };
  add('<unk>', 0, tokenType.unknown);
  add('<s>', 0, tokenType.control);
  add('</s>', 0, tokenType.control);
  for (let byte = 0; byte < 256; byte++) add(bytePiece(byte), 0, tokenType.byte);
  // Shorter pieces score higher, like the early merges of a trained vocab.
  const words = new Set(listWords());
  listOrdinaryPieces(words).forEach((piece, rank) => {
    add(piece, -rank, tokenType.normal, !words.has(piece) && [...piece].length > 1);
  });
  for (const token of chatTokens) add(token.text, 0, token.type);
  return vocabulary;
}

/** The byte-fallback piece for one byte, e.g. `<0x0A>`. */
export function bytePiece(byte: number): string {
  return `<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`;
}

function listOrdinaryPieces(words: ReadonlySet<string>): string[] {
  const pieces = new Set<string>();
  for (let code = 0x21; code < 0x7f; code++) pieces.add(String.fromCharCode(code));
  pieces.add(spaceMarker);
  for (const word of words) addWithPrefixes(pieces, word);
  return [...pieces].sort((left, right) => [...left].length - [...right].length);
}

function listWords(): string[] {
  const english = splitWords(englishWords);
  const code = splitWords(codeWords);
  // Capitals for frequent words, e.g. a sentence's or a prompt's first word.
  const capitalised = [...english.slice(0, 80), ...greetings].map(
    (word) => word[0]!.toUpperCase() + word.slice(1),
  );
  const digits = [...'0123456789'];
  const punctuation = [...'([{=<"\'-+*/#@$`'];
  const spaced = [...english, ...code, ...capitalised, ...digits, ...punctuation];
  return [
    ...spaced.map((word) => spaceMarker + word),
    // Without the marker: text's first word, and identifiers after `.`, `(` or a newline.
    ...english.slice(0, 100),
    ...capitalised,
    ...code,
    ...suffixes,
    ...symbolPieces,
    spaceMarker.repeat(8), // indentation
  ];
}

function splitWords(text: string): string[] {
  return text.split(/\s+/).filter(Boolean);
}

function addWithPrefixes(pieces: Set<string>, word: string): void {
  const characters = [...word];
  for (let end = 1; end <= characters.length; end++) pieces.add(characters.slice(0, end).join(''));
}

let cachedTokens: readonly string[] | undefined;

/** The id of a special token in the tiny vocabulary (ids never depend on writer options). */
export function findTinyTokenId(text: ChatTokenText | '<unk>' | '<s>' | '</s>'): number {
  cachedTokens ??= buildTinyVocabulary().tokens;
  return cachedTokens.indexOf(text);
}

// Import formats: detection, adapters, label normalisation and text parsers. Pure (no DOM, no idb); the CLI reuses it.
export * from './types';
export { normalizeLabel, type LabelResult } from './labels';
export { detectFormat, unreadColumns } from './detect';
export { adaptRows, RowAdapter, chosenFirst, columnsRead, fnv1a, type AdaptOptions } from './adapt';
export {
  parseJsonlText,
  parseJsonText,
  JsonlByteParser,
  JsonArrayParser,
  sniffBytes,
  guessTextKind,
  type Sniff,
  type LineResult,
} from './text';
export { parseCsvText, type CsvParseOptions } from './csv';
export { pairArenaHard, singleAnswers, answerFileModel, type AnswerFile } from './arena-hard';

// Public surface of the judge core: protocols, templates, parsing, aggregation and metrics.
export * from './types';
export * from './parse';
export { maskThinking } from './parse-text';
export * from './tokens';
export * from './constrained';
export * from './continuation';
export * from './verdict-grammar';
export * from './confidence';
export * from './aggregate';
export * from './outcome';
export * from './judge-item';
export { templates, getTemplate, TemplateInputError, multiTurnPromptName } from './templates';
export * from './stats';
export * from './bradley-terry';
export * from './metrics';

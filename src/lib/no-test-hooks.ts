// Production stand-in for the e2e build's test hooks: no test engine ever ships in the app.
import type { TestHooks } from './test-hooks-types';

export const testHooks: TestHooks | undefined = undefined;

// Setup file of the e2e project: closes the test file's shared Chromium after its last test.
import { afterAll } from 'vitest';
import { closeSharedBrowser } from './browser';

afterAll(closeSharedBrowser);

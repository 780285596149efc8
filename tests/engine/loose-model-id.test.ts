// The id of a model given as loose files: from the MLC library's name or the config, never a bare file name (#24).
import { describe, expect, it } from 'vitest';
import { looseModelId } from '../../src/lib/engine/model-files';

describe('looseModelId', () => {
  it.each([
    ['Qwen3-1.7B-q4f32_1-ctx4k_cs1k-webgpu.wasm', {}, 'Qwen3-1.7B-q4f32_1-MLC'],
    ['Qwen3-1.7B-q4f16_1_cs1k-webgpu.wasm', {}, 'Qwen3-1.7B-q4f16_1-MLC'],
    ['MyJudge-q4f32_1-webgpu.wasm', {}, 'MyJudge-q4f32_1-MLC'],
    [
      'libs/Llama-3.2-3B-Instruct-q4f32_1-ctx4k_cs1k-webgpu.wasm',
      {},
      'Llama-3.2-3B-Instruct-q4f32_1-MLC',
    ],
    // #24: named "lib-q4f32" after its library file; the config says what the model is.
    ['lib-q4f32.wasm', { model_type: 'qwen3', quantization: 'q4f32_1' }, 'qwen3-q4f32_1-MLC'],
    ['model.wasm', {}, 'model-unknown-MLC'],
  ])('%s with %j → %s', (lib, config, id) => expect(looseModelId(lib, config)).toBe(id));
});

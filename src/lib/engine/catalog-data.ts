// The curated rows of web-llm 0.2.86's prebuilt model list that Arbiter offers as judges (data only).

export const HF = 'https://huggingface.co/mlc-ai/';
export const LIB =
  'https://raw.githubusercontent.com/mlc-ai/binary-mlc-llm-libs/main/web-llm-models/v0_2_86/base/';

export interface Row {
  family: string;
  label: string;
  paramsB: number;
  thinking: boolean;
  /** [modelId, repo under mlc-ai, lib file, vram MB, context window, low resource] */
  variants: [string, string, string, number, number, boolean][];
}

// Copied from prebuiltAppConfig.model_list of @mlc-ai/web-llm 0.2.86; tests/engine/catalog.test.ts checks every field.
export const ROWS: Row[] = [
  {
    family: 'Qwen3-1.7B',
    label: 'Qwen3 1.7B (thinking)',
    paramsB: 2.03,
    thinking: true,
    variants: [
      [
        'Qwen3-1.7B-q4f16_1-MLC',
        'Qwen3-1.7B-q4f16_1-MLC',
        'Qwen3-1.7B-q4f16_1_cs1k-webgpu.wasm',
        2036.66,
        4096,
        true,
      ],
      [
        'Qwen3-1.7B-q4f32_1-MLC',
        'Qwen3-1.7B-q4f32_1-MLC',
        'Qwen3-1.7B-q4f32_1_cs1k-webgpu.wasm',
        2635.44,
        4096,
        true,
      ],
    ],
  },
  {
    family: 'Qwen3-4B',
    label: 'Qwen3 4B (thinking)',
    paramsB: 4.02,
    thinking: true,
    variants: [
      [
        'Qwen3-4B-q4f16_1-MLC',
        'Qwen3-4B-q4f16_1-MLC',
        'Qwen3-4B-q4f16_1_cs1k-webgpu.wasm',
        3431.59,
        4096,
        true,
      ],
      [
        'Qwen3-4B-q4f32_1-MLC',
        'Qwen3-4B-q4f32_1-MLC',
        'Qwen3-4B-q4f32_1_cs1k-webgpu.wasm',
        4327.71,
        4096,
        true,
      ],
    ],
  },
  {
    family: 'Qwen3-8B',
    label: 'Qwen3 8B (thinking)',
    paramsB: 8.19,
    thinking: true,
    variants: [
      [
        'Qwen3-8B-q4f16_1-MLC',
        'Qwen3-8B-q4f16_1-MLC',
        'Qwen3-8B-q4f16_1_cs1k-webgpu.wasm',
        5695.78,
        4096,
        false,
      ],
      [
        'Qwen3-8B-q4f32_1-MLC',
        'Qwen3-8B-q4f32_1-MLC',
        'Qwen3-8B-q4f32_1_cs1k-webgpu.wasm',
        6852.55,
        4096,
        false,
      ],
    ],
  },
  {
    family: 'Qwen2.5-1.5B-Instruct',
    label: 'Qwen2.5 1.5B Instruct',
    paramsB: 1.54,
    thinking: false,
    variants: [
      [
        'Qwen2.5-1.5B-Instruct-q4f16_1-MLC',
        'Qwen2.5-1.5B-Instruct-q4f16_1-MLC',
        'Qwen2-1.5B-Instruct-q4f16_1_cs1k-webgpu.wasm',
        1629.75,
        4096,
        true,
      ],
      [
        'Qwen2.5-1.5B-Instruct-q4f32_1-MLC',
        'Qwen2.5-1.5B-Instruct-q4f32_1-MLC',
        'Qwen2-1.5B-Instruct-q4f32_1_cs1k-webgpu.wasm',
        1888.97,
        4096,
        true,
      ],
    ],
  },
  {
    family: 'Qwen2.5-3B-Instruct',
    label: 'Qwen2.5 3B Instruct',
    paramsB: 3.09,
    thinking: false,
    variants: [
      [
        'Qwen2.5-3B-Instruct-q4f16_1-MLC',
        'Qwen2.5-3B-Instruct-q4f16_1-MLC',
        'Qwen2.5-3B-Instruct-q4f16_1_cs1k-webgpu.wasm',
        2504.76,
        4096,
        true,
      ],
      [
        'Qwen2.5-3B-Instruct-q4f32_1-MLC',
        'Qwen2.5-3B-Instruct-q4f32_1-MLC',
        'Qwen2.5-3B-Instruct-q4f32_1_cs1k-webgpu.wasm',
        2893.64,
        4096,
        true,
      ],
    ],
  },
  {
    family: 'Qwen2.5-7B-Instruct',
    label: 'Qwen2.5 7B Instruct',
    paramsB: 7.62,
    thinking: false,
    variants: [
      [
        'Qwen2.5-7B-Instruct-q4f16_1-MLC',
        'Qwen2.5-7B-Instruct-q4f16_1-MLC',
        'Qwen2-7B-Instruct-q4f16_1_cs1k-webgpu.wasm',
        5106.67,
        4096,
        false,
      ],
      [
        'Qwen2.5-7B-Instruct-q4f32_1-MLC',
        'Qwen2.5-7B-Instruct-q4f32_1-MLC',
        'Qwen2-7B-Instruct-q4f32_1_cs1k-webgpu.wasm',
        5900.09,
        4096,
        false,
      ],
    ],
  },
  {
    family: 'Llama-3.2-3B-Instruct',
    label: 'Llama 3.2 3B Instruct',
    paramsB: 3.21,
    thinking: false,
    variants: [
      [
        'Llama-3.2-3B-Instruct-q4f16_1-MLC',
        'Llama-3.2-3B-Instruct-q4f16_1-MLC',
        'Llama-3.2-3B-Instruct-q4f16_1_cs1k-webgpu.wasm',
        2263.69,
        4096,
        true,
      ],
      [
        'Llama-3.2-3B-Instruct-q4f32_1-MLC',
        'Llama-3.2-3B-Instruct-q4f32_1-MLC',
        'Llama-3.2-3B-Instruct-q4f32_1_cs1k-webgpu.wasm',
        2951.51,
        4096,
        true,
      ],
    ],
  },
  {
    family: 'Llama-3.1-8B-Instruct',
    label: 'Llama 3.1 8B Instruct',
    paramsB: 8.03,
    thinking: false,
    variants: [
      [
        'Llama-3.1-8B-Instruct-q4f16_1-MLC',
        'Llama-3.1-8B-Instruct-q4f16_1-MLC',
        'Llama-3_1-8B-Instruct-q4f16_1_cs1k-webgpu.wasm',
        5001,
        4096,
        false,
      ],
      [
        'Llama-3.1-8B-Instruct-q4f32_1-MLC',
        'Llama-3.1-8B-Instruct-q4f32_1-MLC',
        'Llama-3_1-8B-Instruct-q4f32_1_cs1k-webgpu.wasm',
        6101.01,
        4096,
        false,
      ],
      // Same weights with a 1K context: less KV-cache memory, for GPUs that lose the device on the 4K one.
      [
        'Llama-3.1-8B-Instruct-q4f16_1-MLC-1k',
        'Llama-3.1-8B-Instruct-q4f16_1-MLC',
        'Llama-3_1-8B-Instruct-q4f16_1_cs1k-webgpu.wasm',
        4598.34,
        1024,
        true,
      ],
      [
        'Llama-3.1-8B-Instruct-q4f32_1-MLC-1k',
        'Llama-3.1-8B-Instruct-q4f32_1-MLC',
        'Llama-3_1-8B-Instruct-q4f32_1_cs1k-webgpu.wasm',
        5295.7,
        1024,
        true,
      ],
    ],
  },
  {
    family: 'Phi-3.5-mini-instruct',
    label: 'Phi-3.5 mini Instruct',
    paramsB: 3.82,
    thinking: false,
    variants: [
      [
        'Phi-3.5-mini-instruct-q4f16_1-MLC',
        'Phi-3.5-mini-instruct-q4f16_1-MLC',
        'Phi-3.5-mini-instruct-q4f16_1_cs1k-webgpu.wasm',
        3672.07,
        4096,
        false,
      ],
      [
        'Phi-3.5-mini-instruct-q4f32_1-MLC',
        'Phi-3.5-mini-instruct-q4f32_1-MLC',
        'Phi-3.5-mini-instruct-q4f32_1_cs1k-webgpu.wasm',
        5483.12,
        4096,
        false,
      ],
    ],
  },
  {
    family: 'Phi-4-mini-instruct',
    label: 'Phi-4 mini Instruct',
    paramsB: 3.84,
    thinking: false,
    variants: [
      [
        'Phi-4-mini-instruct-q4f16_1-MLC',
        'Phi-4-mini-instruct-q4f16_1-MLC',
        'Phi-4-mini-instruct-q4f16_1_cs1k-webgpu.wasm',
        3437.58,
        4096,
        false,
      ],
      [
        'Phi-4-mini-instruct-q4f32_1-MLC',
        'Phi-4-mini-instruct-q4f32_1-MLC',
        'Phi-4-mini-instruct-q4f32_1_cs1k-webgpu.wasm',
        4220.59,
        4096,
        false,
      ],
    ],
  },
  {
    family: 'DeepSeek-R1-Distill-Qwen-7B',
    label: 'DeepSeek-R1 Distill Qwen 7B (thinking)',
    paramsB: 7.62,
    thinking: true,
    variants: [
      [
        'DeepSeek-R1-Distill-Qwen-7B-q4f16_1-MLC',
        'DeepSeek-R1-Distill-Qwen-7B-q4f16_1-MLC',
        'Qwen2-7B-Instruct-q4f16_1_cs1k-webgpu.wasm',
        5106.67,
        4096,
        false,
      ],
      [
        'DeepSeek-R1-Distill-Qwen-7B-q4f32_1-MLC',
        'DeepSeek-R1-Distill-Qwen-7B-q4f32_1-MLC',
        'Qwen2-7B-Instruct-q4f32_1_cs1k-webgpu.wasm',
        5900.09,
        4096,
        false,
      ],
    ],
  },
  {
    family: 'DeepSeek-R1-Distill-Llama-8B',
    label: 'DeepSeek-R1 Distill Llama 8B (thinking)',
    paramsB: 8.03,
    thinking: true,
    variants: [
      [
        'DeepSeek-R1-Distill-Llama-8B-q4f16_1-MLC',
        'DeepSeek-R1-Distill-Llama-8B-q4f16_1-MLC',
        'Llama-3_1-8B-Instruct-q4f16_1_cs1k-webgpu.wasm',
        5001,
        4096,
        false,
      ],
      [
        'DeepSeek-R1-Distill-Llama-8B-q4f32_1-MLC',
        'DeepSeek-R1-Distill-Llama-8B-q4f32_1-MLC',
        'Llama-3_1-8B-Instruct-q4f32_1_cs1k-webgpu.wasm',
        6101.01,
        4096,
        false,
      ],
    ],
  },
];

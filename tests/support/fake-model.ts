// A tiny fake MLC model file set (config, tensor cache, shards, tokenizer, library) for seeding tests.

export interface FakeFile {
  path: string;
  bytes: Uint8Array;
}

export interface FakeModelOptions {
  quantization?: string;
  /** Vocabulary size in mlc-chat-config.json. */
  vocab?: number;
  /** Vocabulary size the embedding table in tensor-cache.json has (default: same as vocab). */
  weightsVocab?: number;
  libName?: string;
  /** Library bytes; a valid WebAssembly header by default. */
  lib?: Uint8Array;
  shardSizes?: number[];
}

function bytesOf(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed * 2654435761;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

const text = (s: string) => new TextEncoder().encode(s);

export function fakeModelFiles(opts: FakeModelOptions = {}): FakeFile[] {
  const vocab = opts.vocab ?? 32;
  const sizes = opts.shardSizes ?? [1500, 700];
  const config = {
    model_type: 'qwen3',
    quantization: opts.quantization ?? 'q4f32_1',
    vocab_size: vocab,
    context_window_size: 4096,
    tokenizer_files: ['tokenizer.json', 'tokenizer_config.json'],
    conv_template: { name: 'qwen2' },
  };
  const manifest = {
    metadata: { ParamSize: 2, ParamBytes: sizes.reduce((a, b) => a + b, 0) },
    records: sizes.map((nbytes, i) => ({
      dataPath: `params_shard_${i}.bin`,
      format: 'raw-shard',
      nbytes,
      records:
        i === 0
          ? [
              {
                name: 'model.embed_tokens.q_weight',
                shape: [opts.weightsVocab ?? vocab, 8],
                dtype: 'uint32',
                nbytes: 64,
                byteOffset: 0,
              },
            ]
          : [
              {
                name: 'lm_head.q_weight',
                shape: [4, 4],
                dtype: 'uint32',
                nbytes: 64,
                byteOffset: 0,
              },
            ],
    })),
  };
  const lib =
    opts.lib ??
    new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...bytesOf(100, 9)]);
  return [
    { path: 'mlc-chat-config.json', bytes: text(JSON.stringify(config)) },
    { path: 'tensor-cache.json', bytes: text(JSON.stringify(manifest)) },
    { path: 'tokenizer.json', bytes: text(JSON.stringify({ model: { vocab: { a: 0, b: 1 } } })) },
    { path: 'tokenizer_config.json', bytes: text('{}') },
    ...sizes.map((n, i) => ({ path: `params_shard_${i}.bin`, bytes: bytesOf(n, i + 1) })),
    { path: opts.libName ?? 'MyJudge-q4f32_1-webgpu.wasm', bytes: lib },
  ];
}

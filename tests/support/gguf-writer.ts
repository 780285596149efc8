// Writes a tiny random-weight llama GGUF (v3) that real llama.cpp loads and runs, so tests judge with a real engine without a model binary in the repo.

/** GGUF metadata value types (gguf.h). */
const T = { u32: 4, i32: 5, f32: 6, bool: 7, string: 8, array: 9 } as const;

export interface TinyGgufOptions {
  /** `general.architecture`; anything but `llama` makes a file llama.cpp refuses. */
  architecture?: string;
  name?: string;
  embedding?: number;
  layers?: number;
  feedForward?: number;
  heads?: number;
  contextLength?: number;
  /** Seed of the weights: the same options give the same bytes. */
  seed?: number;
  /** Write `split.no`/`split.count` as part `splitNo` (0-based) of `splitCount`. */
  split?: { no: number; count: number };
}

/** Control tokens of the ChatML template (what tokenizer.chat_template below uses). */
const SPECIAL = ['<unk>', '<s>', '</s>', '<|im_start|>', '<|im_end|>'];
/** Whole pieces beside single characters, so common judge words take few tokens. */
const PIECES = [
  '▁the',
  '▁a',
  '▁is',
  '▁answer',
  '▁Answer',
  '▁better',
  '▁A',
  '▁B',
  '▁[[',
  '[[',
  ']]',
  'A]]',
  'B]]',
  'C]]',
  '▁Score',
  '▁Response',
  '▁tie',
  '▁Tie',
];

const CHATML =
  "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

/** The vocabulary: control tokens, the 256 byte-fallback tokens, then printable characters and pieces. */
export function tinyVocab(): { tokens: string[]; scores: number[]; types: number[] } {
  const tokens: string[] = [];
  const scores: number[] = [];
  const types: number[] = [];
  const add = (t: string, score: number, type: number) => {
    // llama.cpp refuses a vocabulary with a token listed twice.
    if (tokens.includes(t)) return;
    tokens.push(t);
    scores.push(score);
    types.push(type);
  };
  SPECIAL.forEach((t, i) => add(t, 0, i === 0 ? 2 : 3));
  for (let b = 0; b < 256; b++) add(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`, 0, 6);
  add('▁', -1, 1);
  for (let c = 33; c < 127; c++) add(String.fromCharCode(c), -2, 1);
  for (let c = 33; c < 127; c++) add(`▁${String.fromCharCode(c)}`, -1.5, 1);
  PIECES.forEach((p, i) => add(p, -1 - i / 100, 1));
  return { tokens, scores, types };
}

/** A deterministic PRNG (mulberry32), so a seed names one file. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Bytes {
  private buf = new Uint8Array(1 << 16);
  private view = new DataView(this.buf.buffer);
  length = 0;
  private grow(n: number) {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }
  u32(v: number) {
    this.grow(4);
    this.view.setUint32(this.length, v, true);
    this.length += 4;
  }
  i32(v: number) {
    this.grow(4);
    this.view.setInt32(this.length, v, true);
    this.length += 4;
  }
  u64(v: number) {
    this.grow(8);
    this.view.setBigUint64(this.length, BigInt(v), true);
    this.length += 8;
  }
  f32(v: number) {
    this.grow(4);
    this.view.setFloat32(this.length, v, true);
    this.length += 4;
  }
  raw(b: Uint8Array) {
    this.grow(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }
  str(s: string) {
    const b = new TextEncoder().encode(s);
    this.u64(b.length);
    this.raw(b);
  }
  pad(align: number) {
    while (this.length % align !== 0) this.raw(new Uint8Array([0]));
  }
  bytes(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

/** The bytes of a GGUF v3 llama model with random F32 weights (about 0.55 MB with the defaults). */
export function writeTinyGguf(opts: TinyGgufOptions = {}): Uint8Array {
  const arch = opts.architecture ?? 'llama';
  const dim = opts.embedding ?? 64;
  const layers = opts.layers ?? 2;
  const ff = opts.feedForward ?? 128;
  const heads = opts.heads ?? 4;
  const ctx = opts.contextLength ?? 4096;
  const vocab = tinyVocab();
  const nVocab = vocab.tokens.length;

  const kv: [string, (b: Bytes) => void][] = [
    ['general.architecture', (b) => (b.u32(T.string), b.str(arch))],
    ['general.name', (b) => (b.u32(T.string), b.str(opts.name ?? 'arbiter-tiny'))],
    ['general.alignment', (b) => (b.u32(T.u32), b.u32(32))],
    [`${arch}.context_length`, (b) => (b.u32(T.u32), b.u32(ctx))],
    [`${arch}.embedding_length`, (b) => (b.u32(T.u32), b.u32(dim))],
    [`${arch}.block_count`, (b) => (b.u32(T.u32), b.u32(layers))],
    [`${arch}.feed_forward_length`, (b) => (b.u32(T.u32), b.u32(ff))],
    [`${arch}.attention.head_count`, (b) => (b.u32(T.u32), b.u32(heads))],
    [`${arch}.attention.head_count_kv`, (b) => (b.u32(T.u32), b.u32(heads))],
    [`${arch}.attention.layer_norm_rms_epsilon`, (b) => (b.u32(T.f32), b.f32(1e-5))],
    [`${arch}.rope.dimension_count`, (b) => (b.u32(T.u32), b.u32(dim / heads))],
    ['tokenizer.ggml.model', (b) => (b.u32(T.string), b.str('llama'))],
    [
      'tokenizer.ggml.tokens',
      (b) => {
        b.u32(T.array);
        b.u32(T.string);
        b.u64(nVocab);
        for (const t of vocab.tokens) b.str(t);
      },
    ],
    [
      'tokenizer.ggml.scores',
      (b) => {
        b.u32(T.array);
        b.u32(T.f32);
        b.u64(nVocab);
        for (const s of vocab.scores) b.f32(s);
      },
    ],
    [
      'tokenizer.ggml.token_type',
      (b) => {
        b.u32(T.array);
        b.u32(T.i32);
        b.u64(nVocab);
        for (const t of vocab.types) b.i32(t);
      },
    ],
    ['tokenizer.ggml.unknown_token_id', (b) => (b.u32(T.u32), b.u32(0))],
    ['tokenizer.ggml.bos_token_id', (b) => (b.u32(T.u32), b.u32(1))],
    ['tokenizer.ggml.eos_token_id', (b) => (b.u32(T.u32), b.u32(SPECIAL.indexOf('<|im_end|>')))],
    ['tokenizer.ggml.add_bos_token', (b) => (b.u32(T.bool), b.raw(new Uint8Array([0])))],
    ['tokenizer.chat_template', (b) => (b.u32(T.string), b.str(CHATML))],
  ];
  if (opts.split) {
    const { no, count } = opts.split;
    // split.no / split.count are u16 in llama.cpp's gguf-split.
    kv.push(['split.no', (b) => (b.u32(2), b.raw(new Uint8Array([no & 0xff, no >> 8])))]);
    kv.push(['split.count', (b) => (b.u32(2), b.raw(new Uint8Array([count & 0xff, count >> 8])))]);
  }

  // Dimensions innermost first, as GGUF stores them.
  const tensors: [string, number[]][] = [['token_embd.weight', [dim, nVocab]]];
  for (let i = 0; i < layers; i++) {
    tensors.push(
      [`blk.${i}.attn_norm.weight`, [dim]],
      [`blk.${i}.attn_q.weight`, [dim, dim]],
      [`blk.${i}.attn_k.weight`, [dim, dim]],
      [`blk.${i}.attn_v.weight`, [dim, dim]],
      [`blk.${i}.attn_output.weight`, [dim, dim]],
      [`blk.${i}.ffn_norm.weight`, [dim]],
      [`blk.${i}.ffn_gate.weight`, [dim, ff]],
      [`blk.${i}.ffn_down.weight`, [ff, dim]],
      [`blk.${i}.ffn_up.weight`, [dim, ff]],
    );
  }
  tensors.push(['output_norm.weight', [dim]], ['output.weight', [dim, nVocab]]);

  const b = new Bytes();
  b.raw(new TextEncoder().encode('GGUF'));
  b.u32(3);
  b.u64(tensors.length);
  b.u64(kv.length);
  for (const [key, write] of kv) {
    b.str(key);
    write(b);
  }
  let offset = 0;
  for (const [name, dims] of tensors) {
    b.str(name);
    b.u32(dims.length);
    for (const d of dims) b.u64(d);
    b.u32(0); // F32
    b.u64(offset);
    const bytes = dims.reduce((n, d) => n * d, 4);
    offset += Math.ceil(bytes / 32) * 32;
  }
  b.pad(32);
  const random = rng(opts.seed ?? 1);
  for (const [name, dims] of tensors) {
    const n = dims.reduce((p, d) => p * d, 1);
    const data = new Float32Array(n);
    const isNorm = name.endsWith('norm.weight');
    // Norms at 1; other weights small and centred so activations stay finite through the layers.
    for (let j = 0; j < n; j++) data[j] = isNorm ? 1 : (random() - 0.5) * 0.2;
    b.raw(new Uint8Array(data.buffer));
    b.pad(32);
  }
  return b.bytes();
}

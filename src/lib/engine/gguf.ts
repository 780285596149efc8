// Reads a GGUF file's header (magic, version, metadata, tensor table) from a Blob, to check a model before storing it.
import {
  GgufTruncatedError,
  MissingSplitPartError,
  NotGgufError,
  UnsupportedArchitectureError,
} from './errors';

/** Bytes a GGUF file starts with ("GGUF", little-endian). */
const MAGIC = [0x47, 0x47, 0x55, 0x46];

/**
 * Text-generation architectures of the llama.cpp bundled in @wllama/wllama 3.13.0 that a judge
 * would use (llama-arch.cpp names them). A name outside this list is refused before storing,
 * rather than after a multi-GB copy and a failed load.
 */
export const SUPPORTED_ARCHITECTURES = new Set([
  'llama',
  'llama4',
  'mistral3',
  'qwen2',
  'qwen2moe',
  'qwen3',
  'qwen3moe',
  'phi2',
  'phi3',
  'phimoe',
  'gemma',
  'gemma2',
  'gemma3',
  'gemma3n',
  'granite',
  'granitemoe',
  'olmo',
  'olmo2',
  'olmoe',
  'smollm3',
  'deepseek',
  'deepseek2',
  'glm4',
  'exaone',
  'exaone4',
  'internlm2',
  'minicpm',
  'minicpm3',
  'stablelm',
  'starcoder2',
  'command-r',
  'cohere2',
  'falcon',
  'gpt2',
  'gptneox',
  'bloom',
  'mpt',
  'baichuan',
  'orion',
  'chatglm',
  'ernie4_5',
  'hunyuan-dense',
  'seed_oss',
  'gpt-oss',
  'lfm2',
  'openelm',
  'arcee',
]);

/** Bytes per block and elements per block of each ggml tensor type (ggml.c type_traits). */
const TYPE_SIZE: Record<number, [bytes: number, elements: number]> = {
  0: [4, 1], // F32
  1: [2, 1], // F16
  2: [18, 32], // Q4_0
  3: [20, 32], // Q4_1
  6: [22, 32], // Q5_0
  7: [24, 32], // Q5_1
  8: [34, 32], // Q8_0
  9: [36, 32], // Q8_1
  10: [84, 256], // Q2_K
  11: [110, 256], // Q3_K
  12: [144, 256], // Q4_K
  13: [176, 256], // Q5_K
  14: [210, 256], // Q6_K
  15: [292, 256], // Q8_K
  16: [66, 256], // IQ2_XXS
  17: [74, 256], // IQ2_XS
  18: [98, 256], // IQ3_XXS
  19: [50, 256], // IQ1_S
  20: [18, 32], // IQ4_NL
  21: [110, 256], // IQ3_S
  22: [82, 256], // IQ2_S
  23: [136, 256], // IQ4_XS
  24: [1, 1], // I8
  25: [2, 1], // I16
  26: [4, 1], // I32
  27: [8, 1], // I64
  28: [8, 1], // F64
  29: [56, 256], // IQ1_M
  30: [2, 1], // BF16
  34: [54, 256], // TQ1_0
  35: [66, 256], // TQ2_0
  39: [17, 32], // MXFP4
};

/** What Arbiter needs to know about a GGUF file before storing it. */
export interface GgufInfo {
  version: number;
  architecture: string;
  name: string | null;
  contextLength: number | null;
  chatTemplate: string | null;
  tensorCount: number;
  /** Part number (1-based) and part count of a split model; 1 of 1 otherwise. */
  split: { no: number; count: number };
  /** Bytes the file must hold to contain every tensor; null when a tensor type is unknown. */
  expectedBytes: number | null;
  fileBytes: number;
}

/** Reads a Blob front to back, fetching slices as the parser needs them. */
class BlobReader {
  private buf = new Uint8Array(0);
  private start = 0;
  pos = 0;
  constructor(
    private readonly blob: Blob,
    private readonly file: string,
  ) {}

  private async need(n: number): Promise<DataView> {
    const end = this.pos + n;
    if (end > this.blob.size)
      throw new GgufTruncatedError(`${this.file} ends inside its GGUF header.`, {
        file: this.file,
        size: this.blob.size,
      });
    if (this.pos < this.start || end > this.start + this.buf.length) {
      // At least 1 MB per read: a big vocabulary is many small strings.
      const to = Math.min(this.blob.size, Math.max(end, this.pos + (1 << 20)));
      this.buf = new Uint8Array(await this.blob.slice(this.pos, to).arrayBuffer());
      this.start = this.pos;
    }
    const view = new DataView(this.buf.buffer, this.pos - this.start, n);
    this.pos = end;
    return view;
  }

  async u8(): Promise<number> {
    return (await this.need(1)).getUint8(0);
  }
  async u16(): Promise<number> {
    return (await this.need(2)).getUint16(0, true);
  }
  async u32(): Promise<number> {
    return (await this.need(4)).getUint32(0, true);
  }
  async i32(): Promise<number> {
    return (await this.need(4)).getInt32(0, true);
  }
  async u64(): Promise<number> {
    const v = (await this.need(8)).getBigUint64(0, true);
    if (v > BigInt(Number.MAX_SAFE_INTEGER))
      throw new NotGgufError(`${this.file} has a header value too large to be real.`, {
        file: this.file,
      });
    return Number(v);
  }
  async bytes(n: number): Promise<Uint8Array> {
    const v = await this.need(n);
    return new Uint8Array(v.buffer, v.byteOffset, n);
  }
  async string(): Promise<string> {
    const n = await this.u64();
    return new TextDecoder().decode(await this.bytes(n));
  }
  skip(n: number): void {
    this.pos += n;
  }
}

/** Fixed sizes of the scalar metadata types (gguf.h gguf_type). */
const SCALAR_SIZE: Record<number, number> = {
  0: 1,
  1: 1,
  2: 2,
  3: 2,
  4: 4,
  5: 4,
  6: 4,
  7: 1,
  10: 8,
  11: 8,
  12: 8,
};

async function readValue(r: BlobReader, type: number, file: string): Promise<unknown> {
  switch (type) {
    case 0:
    case 7:
      return r.u8();
    case 2:
      return r.u16();
    case 4:
      return r.u32();
    case 5:
      return r.i32();
    case 8:
      return r.string();
    case 9: {
      const elem = await r.u32();
      const count = await r.u64();
      // Arrays (the vocabulary) are skipped: nothing here needs their contents.
      const size = SCALAR_SIZE[elem];
      if (size !== undefined) r.skip(size * count);
      else if (elem === 8) for (let i = 0; i < count; i++) r.skip(await r.u64());
      else
        throw new NotGgufError(`${file} has a metadata array of unknown type ${elem}.`, { file });
      return null;
    }
    default: {
      const size = SCALAR_SIZE[type];
      if (size === undefined)
        throw new NotGgufError(`${file} has metadata of unknown type ${type}.`, { file });
      r.skip(size);
      return null;
    }
  }
}

/** Read and check one GGUF file's header; throws NotGgufError, GgufTruncatedError or UnsupportedArchitectureError. */
export async function readGgufInfo(blob: Blob, file: string): Promise<GgufInfo> {
  const r = new BlobReader(blob, file);
  if (blob.size < 4)
    throw new NotGgufError(`${file} is too small to be a GGUF model.`, { file, size: blob.size });
  const magic = await r.bytes(4);
  if (!MAGIC.every((b, i) => magic[i] === b))
    throw new NotGgufError(`${file} is not a GGUF model file.`, { file });
  const version = await r.u32();
  if (version < 2 || version > 3)
    throw new NotGgufError(
      `${file} is GGUF version ${version}; llama.cpp reads versions 2 and 3.`,
      {
        file,
        version,
      },
    );
  const tensorCount = await r.u64();
  const kvCount = await r.u64();
  const meta = new Map<string, unknown>();
  for (let i = 0; i < kvCount; i++) {
    const key = await r.string();
    meta.set(key, await readValue(r, await r.u32(), file));
  }
  const architecture =
    typeof meta.get('general.architecture') === 'string'
      ? (meta.get('general.architecture') as string)
      : '';
  if (!SUPPORTED_ARCHITECTURES.has(architecture))
    throw new UnsupportedArchitectureError(
      architecture
        ? `${file} is a "${architecture}" model, which llama.cpp in Arbiter cannot run.`
        : `${file} names no model architecture.`,
      { file, architecture },
    );
  const alignment =
    typeof meta.get('general.alignment') === 'number'
      ? (meta.get('general.alignment') as number)
      : 32;
  let dataBytes: number | null = 0;
  for (let i = 0; i < tensorCount; i++) {
    await r.string();
    const dims = await r.u32();
    let elements = 1;
    for (let d = 0; d < dims; d++) elements *= await r.u64();
    const type = await r.u32();
    const offset = await r.u64();
    const size = TYPE_SIZE[type];
    if (!size) dataBytes = null;
    else if (dataBytes !== null)
      dataBytes = Math.max(dataBytes, offset + Math.ceil(elements / size[1]) * size[0]);
  }
  const dataStart = Math.ceil(r.pos / alignment) * alignment;
  const expectedBytes = dataBytes === null ? null : dataStart + dataBytes;
  if (expectedBytes !== null && blob.size < expectedBytes)
    throw new GgufTruncatedError(
      `${file} is ${blob.size.toLocaleString('en')} bytes, but its header describes ${expectedBytes.toLocaleString('en')}: it is cut short.`,
      { file, size: blob.size, expected: expectedBytes },
    );
  const num = (k: string) => (typeof meta.get(k) === 'number' ? (meta.get(k) as number) : null);
  const str = (k: string) => (typeof meta.get(k) === 'string' ? (meta.get(k) as string) : null);
  const splitCount = num('split.count') ?? 1;
  return {
    version,
    architecture,
    name: str('general.name'),
    contextLength: num(`${architecture}.context_length`),
    chatTemplate: str('tokenizer.chat_template'),
    tensorCount,
    split: { no: (num('split.no') ?? 0) + 1, count: Math.max(1, splitCount) },
    expectedBytes,
    fileBytes: blob.size,
  };
}

/** The parts of a split model in order; throws MissingSplitPartError naming the first missing part. */
export function orderSplitParts<F extends { path: string }>(
  parts: { file: F; info: GgufInfo }[],
): F[] {
  const count = parts[0]?.info.split.count ?? 0;
  const only = parts[0];
  if (only && parts.length === 1 && count === 1) return [only.file];
  const byNo = new Map(parts.map((p) => [p.info.split.no, p.file]));
  const ordered: F[] = [];
  for (let no = 1; no <= count; no++) {
    const f = byNo.get(no);
    if (!f)
      throw new MissingSplitPartError(
        `Part ${no} of ${count} of this split model is missing (${parts.length} of ${count} parts chosen).`,
        { missing: no, count, chosen: parts.length },
      );
    ordered.push(f);
  }
  return ordered;
}

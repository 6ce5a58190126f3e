// source: GGUF v3 layout, https://github.com/ggml-org/ggml/blob/master/docs/gguf.md
// header, metadata key/values, tensor infos, padding to `general.alignment`, tensor data.
// Everything is little-endian; strings are a u64 byte length followed by UTF-8 bytes.

/** A typed metadata value; the GGUF type matters because llama.cpp checks it on load. */
export type GgufValue =
  | { type: 'uint32'; value: number }
  | { type: 'int32'; value: number }
  | { type: 'float32'; value: number }
  | { type: 'bool'; value: boolean }
  | { type: 'string'; value: string }
  | { type: 'string[]'; value: readonly string[] }
  | { type: 'float32[]'; value: readonly number[] }
  | { type: 'int32[]'; value: readonly number[] };

/** Tensor storage: F32, or F16 (converted from `data` on write, rounding to nearest even). */
export type GgufTensorType = 'f32' | 'f16';

export interface GgufTensor {
  name: string;
  /** ggml order: dimensions[0] is the contiguous (row) length, as llama.cpp lists them. */
  dimensions: readonly number[];
  data: Float32Array;
  /** Default 'f32'. */
  type?: GgufTensorType;
}

export interface GgufContent {
  metadata: ReadonlyArray<readonly [key: string, value: GgufValue]>;
  tensors: readonly GgufTensor[];
}

/** Tensor data offsets and the data section start are multiples of this (GGUF default). */
export const ggufAlignment = 32;

const ggufMagic = 0x46554747; // "GGUF" read as a little-endian u32
const ggufVersion = 3;
// ggml_type codes and element sizes
const ggmlType = { f32: { code: 0, bytes: 4 }, f16: { code: 1, bytes: 2 } } as const;

// gguf_type enum
const valueTypeCode = {
  uint32: 4,
  int32: 5,
  float32: 6,
  bool: 7,
  string: 8,
  array: 9,
  uint64: 10,
} as const;

/** Serialises a GGUF v3 file with F32/F16 tensors into one buffer. */
export function encodeGgufFile(content: GgufContent): Buffer {
  const sink = new ByteSink();
  sink.u32(ggufMagic);
  sink.u32(ggufVersion);
  sink.u64(content.tensors.length);
  sink.u64(content.metadata.length);
  for (const [key, value] of content.metadata) writeKeyValue(sink, key, value);
  writeTensorInfos(sink, content.tensors);
  sink.padTo(ggufAlignment);
  for (const tensor of content.tensors) {
    sink.bytes(tensorBytes(tensor));
    sink.padTo(ggufAlignment);
  }
  return sink.toBuffer();
}

function writeTensorInfos(sink: ByteSink, tensors: readonly GgufTensor[]): void {
  let offset = 0;
  for (const tensor of tensors) {
    const elements = tensor.dimensions.reduce((product, size) => product * size, 1);
    if (elements !== tensor.data.length) {
      throw new Error(
        `tensor ${tensor.name}: ${tensor.data.length} values for shape ${tensor.dimensions.join('x')}`,
      );
    }
    sink.string(tensor.name);
    sink.u32(tensor.dimensions.length);
    for (const size of tensor.dimensions) sink.u64(size);
    const type = ggmlType[tensor.type ?? 'f32'];
    sink.u32(type.code);
    sink.u64(offset);
    offset += alignUp(elements * type.bytes, ggufAlignment);
  }
}

function tensorBytes({ data, type = 'f32' }: GgufTensor): Buffer {
  if (type === 'f32') return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  // Int32 rather than Uint32 view: values above 2^31 would be boxed doubles in the loop.
  const bits = new Int32Array(data.buffer, data.byteOffset, data.length);
  const halves = new Uint16Array(data.length);
  for (let index = 0; index < bits.length; index++) {
    halves[index] = float32BitsToFloat16(bits[index]!);
  }
  return Buffer.from(halves.buffer);
}

/** IEEE half-precision bits of a float32 given as its bits, rounding to nearest even. */
export function float32BitsToFloat16(bits: number): number {
  const sign = (bits >>> 16) & 0x8000;
  const exponent = ((bits >>> 23) & 0xff) - 127 + 15;
  const mantissa = bits & 0x7fffff;
  if (exponent === 0xff - 127 + 15) return sign | 0x7c00 | (mantissa ? 0x200 : 0); // inf, NaN
  if (exponent >= 0x1f) return sign | 0x7c00; // overflow: infinity
  if (exponent <= 0) {
    // Subnormal half (or zero): shift the mantissa, with its implicit 1, into place.
    if (exponent < -10) return sign;
    return sign | roundShift(mantissa | 0x800000, 14 - exponent);
  }
  // A carry out of the mantissa rounds up into the exponent, as it should.
  return sign | ((exponent << 10) + roundShift(mantissa, 13));
}

function roundShift(value: number, shift: number): number {
  const kept = value >>> shift;
  const remainder = value & ((1 << shift) - 1);
  const half = 1 << (shift - 1);
  return remainder > half || (remainder === half && kept & 1) ? kept + 1 : kept;
}

function writeKeyValue(sink: ByteSink, key: string, value: GgufValue): void {
  sink.string(key);
  switch (value.type) {
    case 'uint32':
    case 'int32':
    case 'float32':
    case 'bool':
    case 'string':
      sink.u32(valueTypeCode[value.type]);
      writeScalar(sink, value);
      return;
    case 'string[]':
      writeArrayHeader(sink, valueTypeCode.string, value.value.length);
      for (const item of value.value) sink.string(item);
      return;
    case 'float32[]':
      writeArrayHeader(sink, valueTypeCode.float32, value.value.length);
      for (const item of value.value) sink.f32(item);
      return;
    case 'int32[]':
      writeArrayHeader(sink, valueTypeCode.int32, value.value.length);
      for (const item of value.value) sink.i32(item);
      return;
    default: {
      const _exhaustive: never = value;
      throw new Error(`unknown GGUF value ${String(_exhaustive)}`);
    }
  }
}

type ScalarValue = Extract<GgufValue, { type: 'uint32' | 'int32' | 'float32' | 'bool' | 'string' }>;

function writeScalar(sink: ByteSink, value: ScalarValue): void {
  switch (value.type) {
    case 'uint32':
      return sink.u32(value.value);
    case 'int32':
      return sink.i32(value.value);
    case 'float32':
      return sink.f32(value.value);
    case 'bool':
      return sink.u8(value.value ? 1 : 0);
    case 'string':
      return sink.string(value.value);
    default: {
      const _exhaustive: never = value;
      throw new Error(`unknown GGUF scalar ${String(_exhaustive)}`);
    }
  }
}

function writeArrayHeader(sink: ByteSink, elementType: number, length: number): void {
  sink.u32(valueTypeCode.array);
  sink.u32(elementType);
  sink.u64(length);
}

function alignUp(size: number, alignment: number): number {
  return Math.ceil(size / alignment) * alignment;
}

/** Appends little-endian primitives to a list of chunks; concatenated once at the end. */
class ByteSink {
  private readonly chunks: Buffer[] = [];
  private length = 0;

  u8(value: number): void {
    this.fixed(1, (buffer) => buffer.writeUInt8(value));
  }
  u32(value: number): void {
    this.fixed(4, (buffer) => buffer.writeUInt32LE(value));
  }
  i32(value: number): void {
    this.fixed(4, (buffer) => buffer.writeInt32LE(value));
  }
  f32(value: number): void {
    this.fixed(4, (buffer) => buffer.writeFloatLE(value));
  }
  u64(value: number): void {
    this.fixed(8, (buffer) => buffer.writeBigUInt64LE(BigInt(value)));
  }
  string(value: string): void {
    const encoded = Buffer.from(value, 'utf8');
    this.u64(encoded.length);
    this.bytes(encoded);
  }
  bytes(value: Buffer): void {
    this.chunks.push(value);
    this.length += value.length;
  }
  padTo(alignment: number): void {
    const padding = alignUp(this.length, alignment) - this.length;
    if (padding > 0) this.bytes(Buffer.alloc(padding));
  }
  toBuffer(): Buffer {
    return Buffer.concat(this.chunks, this.length);
  }

  private fixed(size: number, write: (buffer: Buffer) => void): void {
    const buffer = Buffer.alloc(size);
    write(buffer);
    this.bytes(buffer);
  }
}

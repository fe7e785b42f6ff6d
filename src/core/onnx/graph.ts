// A small, typed ONNX graph builder. ONNX models for the app are built here, in TypeScript, because the project's
// machines have no Python (no PyPI): the builder writes the ModelProto directly with onnx-proto's protobufjs code.
//
// Only this file touches onnx-proto; everything it exports is plain TypeScript (no protobuf or `Long` types), so a
// change of protobuf library stays local.
import { createRequire } from 'node:module'
import type { onnx as OnnxNamespace } from 'onnx-proto'

// onnx-proto is CommonJS that assigns `module.exports` wholesale, so Node's ESM named-export detection cannot see
// `onnx`; requiring it is the dependable way in both vitest and plain Node.
const onnx = (createRequire(import.meta.url)('onnx-proto') as { onnx: typeof OnnxNamespace }).onnx

export type DType = 'float32' | 'float64' | 'int32' | 'int64' | 'bool' | 'uint8'

/** A dimension: a fixed size, or a symbolic name (`'H'`) that the runtime binds at session time. */
export type Dim = number | string

/** Typed arrays the builder can store, tied to their ONNX element type. */
export type TensorData =
  | { readonly dtype: 'float32'; readonly data: Float32Array; readonly dims: readonly number[] }
  | { readonly dtype: 'float64'; readonly data: Float64Array; readonly dims: readonly number[] }
  | { readonly dtype: 'int32'; readonly data: Int32Array; readonly dims: readonly number[] }
  | { readonly dtype: 'int64'; readonly data: BigInt64Array; readonly dims: readonly number[] }
  | { readonly dtype: 'uint8'; readonly data: Uint8Array; readonly dims: readonly number[] }
  | { readonly dtype: 'bool'; readonly data: Uint8Array; readonly dims: readonly number[] }

export const tensor = {
  float32: (data: ArrayLike<number>, dims: readonly number[]): TensorData =>
    checked({ dtype: 'float32', data: Float32Array.from(data), dims }),
  float64: (data: ArrayLike<number>, dims: readonly number[]): TensorData =>
    checked({ dtype: 'float64', data: Float64Array.from(data), dims }),
  int32: (data: ArrayLike<number>, dims: readonly number[]): TensorData =>
    checked({ dtype: 'int32', data: Int32Array.from(data), dims }),
  int64: (data: ArrayLike<number | bigint>, dims: readonly number[]): TensorData =>
    checked({ dtype: 'int64', data: BigInt64Array.from(Array.from(data, (v) => BigInt(v))), dims }),
  uint8: (data: ArrayLike<number>, dims: readonly number[]): TensorData =>
    checked({ dtype: 'uint8', data: Uint8Array.from(data), dims }),
  bool: (data: ArrayLike<boolean>, dims: readonly number[]): TensorData =>
    checked({ dtype: 'bool', data: Uint8Array.from(Array.from(data, (v) => (v ? 1 : 0))), dims })
} as const

function checked(t: TensorData): TensorData {
  const count = t.dims.reduce((a, b) => a * b, 1)
  if (t.dims.some((d) => !Number.isInteger(d) || d < 0)) throw new Error(`bad tensor dims [${t.dims.join(', ')}]`)
  if (count !== t.data.length) throw new Error(`tensor dims [${t.dims.join(', ')}] hold ${count} values, data has ${t.data.length}`)
  return t
}

/**
 * Attribute values are tagged because a JS number cannot say whether it is an ONNX INT or FLOAT (`alpha: 1` would be
 * ambiguous), and a wrong attribute type is rejected by the runtime at session creation.
 */
export type Attribute =
  | { readonly kind: 'int'; readonly value: number | bigint }
  | { readonly kind: 'float'; readonly value: number }
  | { readonly kind: 'ints'; readonly value: readonly (number | bigint)[] }
  | { readonly kind: 'floats'; readonly value: readonly number[] }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'strings'; readonly value: readonly string[] }
  | { readonly kind: 'tensor'; readonly value: TensorData }

export const attr = {
  int: (value: number | bigint): Attribute => ({ kind: 'int', value }),
  float: (value: number): Attribute => ({ kind: 'float', value }),
  ints: (value: readonly (number | bigint)[]): Attribute => ({ kind: 'ints', value }),
  floats: (value: readonly number[]): Attribute => ({ kind: 'floats', value }),
  string: (value: string): Attribute => ({ kind: 'string', value }),
  strings: (value: readonly string[]): Attribute => ({ kind: 'strings', value }),
  tensor: (value: TensorData): Attribute => ({ kind: 'tensor', value })
} as const

export type Attributes = Readonly<Record<string, Attribute>>

/** A named value in the graph (an input, initializer or node output). */
export class Value {
  constructor(readonly name: string) {}
}

/** The empty name: ONNX's way of leaving out an optional input (e.g. Resize's `roi` and `scales`). */
export const OMITTED = new Value('')

export interface GraphOptions {
  readonly name?: string
  /** Default-domain opset. 17 is supported by onnxruntime-node 1.30 (which goes up to 23). */
  readonly opset?: number
  readonly docString?: string
  readonly producerVersion?: string
  /** Extra opset imports, e.g. `{ 'com.microsoft': 1 }` for contrib ops. */
  readonly extraOpsets?: Readonly<Record<string, number>>
}

interface NodeRecord {
  readonly opType: string
  readonly inputs: readonly string[]
  readonly outputs: readonly string[]
  readonly attributes: Attributes
  readonly name: string
  readonly domain: string
}

interface ValueInfoRecord {
  readonly name: string
  readonly dtype: DType
  readonly dims: readonly Dim[] | undefined
  readonly doc: string | undefined
}

const ELEM_TYPE: Record<DType, number> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  float64: onnx.TensorProto.DataType.DOUBLE,
  int32: onnx.TensorProto.DataType.INT32,
  int64: onnx.TensorProto.DataType.INT64,
  bool: onnx.TensorProto.DataType.BOOL,
  uint8: onnx.TensorProto.DataType.UINT8
}

/**
 * The IR version that goes with an opset: the runtime refuses a model whose IR version is older than the opset
 * requires, and older runtimes refuse a newer IR. (From onnx/docs/Versioning.md.)
 */
export function irVersionForOpset(opset: number): number {
  if (opset <= 8) return 3
  if (opset <= 10) return 5
  if (opset <= 11) return 6
  if (opset <= 14) return 7
  if (opset <= 18) return 8
  if (opset <= 20) return 9
  if (opset <= 22) return 10
  return 11
}

export class GraphBuilder {
  readonly opset: number
  private readonly name: string
  private readonly options: GraphOptions
  private readonly inputs: ValueInfoRecord[] = []
  private readonly outputs: ValueInfoRecord[] = []
  private readonly initializers = new Map<string, TensorData>()
  private readonly nodes: NodeRecord[] = []
  private readonly usedNames = new Set<string>()
  private readonly counters = new Map<string, number>()

  constructor(options: GraphOptions = {}) {
    this.options = options
    this.name = options.name ?? 'graph'
    this.opset = options.opset ?? 17
  }

  /** A name not used yet in this graph, `prefix`, `prefix_1`, `prefix_2`, … */
  uniqueName(prefix: string): string {
    let n = this.counters.get(prefix) ?? 0
    let candidate = n === 0 ? prefix : `${prefix}_${n}`
    while (this.usedNames.has(candidate)) {
      n += 1
      candidate = `${prefix}_${n}`
    }
    this.counters.set(prefix, n + 1)
    this.usedNames.add(candidate)
    return candidate
  }

  private claim(name: string): string {
    if (name === '') throw new Error('a value name cannot be empty')
    if (this.usedNames.has(name)) throw new Error(`the name '${name}' is already used in this graph`)
    this.usedNames.add(name)
    return name
  }

  input(name: string, dtype: DType, dims: readonly Dim[], doc?: string): Value {
    this.inputs.push({ name: this.claim(name), dtype, dims, doc })
    return new Value(name)
  }

  /** A weight stored in the model (ONNX initializer). */
  initializer(t: TensorData, name?: string): Value {
    return this.store(t, name === undefined ? this.uniqueName('w') : this.claim(name))
  }

  private store(t: TensorData, n: string): Value {
    this.initializers.set(n, t)
    return new Value(n)
  }

  /** A constant. Stored as an initializer: same effect as a Constant node, and visible by name in tools. */
  constant(t: TensorData, name?: string): Value {
    return this.store(t, name === undefined ? this.uniqueName('const') : this.claim(name))
  }

  /** Shorthands for scalars and small vectors. */
  scalar(value: number, dtype: 'float32' | 'float64' = 'float32'): Value {
    return this.constant(dtype === 'float32' ? tensor.float32([value], []) : tensor.float64([value], []))
  }

  int64s(values: readonly (number | bigint)[]): Value {
    return this.constant(tensor.int64(values, [values.length]))
  }

  /** Add a node with one output; returns it. */
  node(opType: string, inputs: readonly Value[], attributes: Attributes = {}, options: { name?: string; domain?: string } = {}): Value {
    const [out] = this.nodeN(opType, inputs, 1, attributes, options)
    if (out === undefined) throw new Error('unreachable')
    return out
  }

  /** Add a node with `outputCount` outputs. */
  nodeN(
    opType: string,
    inputs: readonly Value[],
    outputCount: number,
    attributes: Attributes = {},
    options: { name?: string; domain?: string; outputNames?: readonly string[] } = {}
  ): Value[] {
    for (const v of inputs) {
      if (v.name !== '' && !this.usedNames.has(v.name)) throw new Error(`${opType}: unknown input '${v.name}'`)
    }
    const base = opType.toLowerCase()
    const outputs = Array.from({ length: outputCount }, (_, i) => {
      const wanted = options.outputNames?.[i]
      return wanted === undefined ? this.uniqueName(base) : this.claim(wanted)
    })
    this.nodes.push({
      opType,
      inputs: inputs.map((v) => v.name),
      outputs,
      attributes,
      name: options.name ?? this.uniqueName(`${opType}_node`),
      domain: options.domain ?? ''
    })
    return outputs.map((n) => new Value(n))
  }

  /**
   * Declare a graph output. If `value` has another name, an Identity gives it `name`, so callers never have to plan
   * output names while building.
   */
  output(value: Value, name: string, dtype: DType, dims?: readonly Dim[], doc?: string): Value {
    let v = value
    if (value.name !== name) {
      this.claim(name)
      this.nodes.push({ opType: 'Identity', inputs: [value.name], outputs: [name], attributes: {}, name: this.uniqueName('Identity_node'), domain: '' })
      v = new Value(name)
    }
    this.outputs.push({ name, dtype, dims, doc })
    return v
  }

  get nodeCount(): number {
    return this.nodes.length
  }

  /** Serialise to ONNX protobuf bytes, ready for `ort.InferenceSession.create(bytes)` or writing to a `.onnx`. */
  toBytes(): Uint8Array {
    if (this.outputs.length === 0) throw new Error('a graph needs at least one output')
    const graph: OnnxNamespace.IGraphProto = {
      name: this.name,
      node: this.nodes.map(nodeProto),
      initializer: [...this.initializers].map(([name, t]) => tensorProto(t, name)),
      input: this.inputs.map(valueInfoProto),
      output: this.outputs.map(valueInfoProto),
      docString: this.options.docString ?? ''
    }
    const opsetImport: OnnxNamespace.IOperatorSetIdProto[] = [{ domain: '', version: this.opset }]
    for (const [domain, version] of Object.entries(this.options.extraOpsets ?? {})) opsetImport.push({ domain, version })
    const model = onnx.ModelProto.create({
      irVersion: irVersionForOpset(this.opset),
      opsetImport,
      producerName: 'vqa-inspector',
      producerVersion: this.options.producerVersion ?? '0',
      graph
    })
    return onnx.ModelProto.encode(model).finish()
  }
}

function int64Field(v: number | bigint): number {
  // protobufjs takes plain numbers for int64 fields; every value we emit (dims, axes, flags) is far below 2^53, and
  // refusing the rest beats writing a silently wrong number.
  const n = typeof v === 'bigint' ? Number(v) : v
  if (!Number.isSafeInteger(n)) throw new Error(`integer attribute ${String(v)} is not a safe integer`)
  return n
}

function valueInfoProto(v: ValueInfoRecord): OnnxNamespace.IValueInfoProto {
  const tensorType: OnnxNamespace.TypeProto.ITensor = { elemType: ELEM_TYPE[v.dtype] }
  if (v.dims !== undefined) {
    tensorType.shape = { dim: v.dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) }
  }
  return { name: v.name, type: { tensorType }, docString: v.doc ?? '' }
}

function rawBytes(t: TensorData): Uint8Array {
  // raw_data is little-endian by the ONNX spec; writing through a DataView keeps that true on any host.
  const n = t.data.length
  switch (t.dtype) {
    case 'uint8':
    case 'bool':
      return Uint8Array.from(t.data)
    case 'float32': {
      const out = new DataView(new ArrayBuffer(n * 4))
      for (let i = 0; i < n; i++) out.setFloat32(i * 4, t.data[i] ?? 0, true)
      return new Uint8Array(out.buffer)
    }
    case 'int32': {
      const out = new DataView(new ArrayBuffer(n * 4))
      for (let i = 0; i < n; i++) out.setInt32(i * 4, t.data[i] ?? 0, true)
      return new Uint8Array(out.buffer)
    }
    case 'float64': {
      const out = new DataView(new ArrayBuffer(n * 8))
      for (let i = 0; i < n; i++) out.setFloat64(i * 8, t.data[i] ?? 0, true)
      return new Uint8Array(out.buffer)
    }
    case 'int64': {
      const out = new DataView(new ArrayBuffer(n * 8))
      for (let i = 0; i < n; i++) out.setBigInt64(i * 8, t.data[i] ?? 0n, true)
      return new Uint8Array(out.buffer)
    }
  }
}

function tensorProto(t: TensorData, name: string): OnnxNamespace.ITensorProto {
  return { name, dims: t.dims.map((d) => d), dataType: ELEM_TYPE[t.dtype], rawData: rawBytes(t) }
}

function attributeProto(name: string, a: Attribute): OnnxNamespace.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType
  const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s)
  switch (a.kind) {
    case 'int':
      return { name, type: T.INT, i: int64Field(a.value) }
    case 'float':
      return { name, type: T.FLOAT, f: a.value }
    case 'ints':
      return { name, type: T.INTS, ints: a.value.map(int64Field) }
    case 'floats':
      return { name, type: T.FLOATS, floats: [...a.value] }
    case 'string':
      return { name, type: T.STRING, s: utf8(a.value) }
    case 'strings':
      return { name, type: T.STRINGS, strings: a.value.map(utf8) }
    case 'tensor':
      return { name, type: T.TENSOR, t: tensorProto(a.value, '') }
  }
}

function nodeProto(n: NodeRecord): OnnxNamespace.INodeProto {
  return {
    opType: n.opType,
    input: [...n.inputs],
    output: [...n.outputs],
    name: n.name,
    domain: n.domain,
    attribute: Object.entries(n.attributes).map(([k, a]) => attributeProto(k, a))
  }
}

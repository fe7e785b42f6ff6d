// Helpers for the ONNX ops the model builders use most. Each hides an opset detail that is easy to get wrong (which
// inputs became attributes or the other way round) so that a builder reads like the maths it implements.
import { attr, type Attributes, type DType, GraphBuilder, type TensorData, Value } from './graph'

const ONNX_DTYPE: Record<DType, number> = { float32: 1, uint8: 2, int32: 6, int64: 7, bool: 9, float64: 11 }

type Operand = Value | TensorData

function asValue(g: GraphBuilder, v: Operand): Value {
  return v instanceof Value ? v : g.constant(v)
}

export const add = (g: GraphBuilder, a: Value, b: Value): Value => g.node('Add', [a, b])
export const sub = (g: GraphBuilder, a: Value, b: Value): Value => g.node('Sub', [a, b])
export const mul = (g: GraphBuilder, a: Value, b: Value): Value => g.node('Mul', [a, b])
export const div = (g: GraphBuilder, a: Value, b: Value): Value => g.node('Div', [a, b])
export const unary = (g: GraphBuilder, op: 'Relu' | 'Sqrt' | 'Abs' | 'Exp' | 'Neg' | 'Log' | 'Reciprocal', x: Value): Value => g.node(op, [x])

export function cast(g: GraphBuilder, x: Value, to: DType): Value {
  return g.node('Cast', [x], { to: attr.int(ONNX_DTYPE[to]) })
}

export function matmul(g: GraphBuilder, a: Value, b: Operand): Value {
  return g.node('MatMul', [a, asValue(g, b)])
}

/** Y = alpha·A'·B' + beta·C with optional transposes (a dense layer is `gemm(x, W, b, { transB: true })`). */
export function gemm(
  g: GraphBuilder,
  a: Value,
  b: Operand,
  c?: Operand,
  options: { alpha?: number; beta?: number; transA?: boolean; transB?: boolean } = {}
): Value {
  const attributes: Record<string, ReturnType<typeof attr.int>> = {}
  if (options.alpha !== undefined) attributes.alpha = attr.float(options.alpha)
  if (options.beta !== undefined) attributes.beta = attr.float(options.beta)
  if (options.transA) attributes.transA = attr.int(1)
  if (options.transB) attributes.transB = attr.int(1)
  const inputs = [a, asValue(g, b)]
  if (c !== undefined) inputs.push(asValue(g, c))
  return g.node('Gemm', inputs, attributes)
}

export interface Conv2dOptions {
  readonly bias?: Operand
  readonly strides?: readonly [number, number]
  /** [top, left, bottom, right], ONNX order. */
  readonly pads?: readonly [number, number, number, number]
  readonly dilations?: readonly [number, number]
  readonly group?: number
}

/** NCHW convolution; `weight` is [outChannels, inChannels/group, kH, kW]. */
export function conv2d(g: GraphBuilder, x: Value, weight: Operand, options: Conv2dOptions = {}): Value {
  const w = asValue(g, weight)
  const attributes: Record<string, ReturnType<typeof attr.ints>> = {}
  if (!(weight instanceof Value)) attributes.kernel_shape = attr.ints(weight.dims.slice(2))
  if (options.strides) attributes.strides = attr.ints(options.strides)
  if (options.pads) attributes.pads = attr.ints(options.pads)
  if (options.dilations) attributes.dilations = attr.ints(options.dilations)
  if (options.group !== undefined) attributes.group = attr.int(options.group)
  const inputs = [x, w]
  if (options.bias !== undefined) inputs.push(asValue(g, options.bias))
  return g.node('Conv', inputs, attributes)
}

/**
 * Pad with ONNX's modes. Note the names: ONNX `reflect` mirrors without repeating the edge (OpenCV's
 * BORDER_REFLECT_101), `edge` repeats it (OpenCV's BORDER_REPLICATE).
 * `pads` is ONNX order: all the begin amounts per axis, then all the end amounts.
 */
export function pad(g: GraphBuilder, x: Value, pads: readonly number[], mode: 'constant' | 'reflect' | 'edge' = 'constant', value?: number): Value {
  const inputs = [x, g.int64s(pads)]
  if (value !== undefined) inputs.push(g.scalar(value))
  return g.node('Pad', inputs, { mode: attr.string(mode) })
}

export type ReduceOp = 'ReduceSum' | 'ReduceMean' | 'ReduceMax' | 'ReduceMin' | 'ReduceSumSquare' | 'ReduceL2' | 'ReduceProd'

/**
 * Reductions over `axes`. ReduceSum took `axes` as an input from opset 13, the others only from opset 18; before
 * that it is an attribute. Mixing these up is a session-creation error, so it is decided here once.
 */
export function reduce(g: GraphBuilder, op: ReduceOp, x: Value, axes: readonly number[], keepdims = true): Value {
  const axesAsInput = op === 'ReduceSum' ? g.opset >= 13 : g.opset >= 18
  const attributes: Attributes = { keepdims: attr.int(keepdims ? 1 : 0) }
  if (axesAsInput) return g.node(op, [x, g.int64s(axes)], attributes)
  return g.node(op, [x], { ...attributes, axes: attr.ints(axes) })
}

export const reduceMean = (g: GraphBuilder, x: Value, axes: readonly number[], keepdims = true): Value => reduce(g, 'ReduceMean', x, axes, keepdims)
export const reduceSum = (g: GraphBuilder, x: Value, axes: readonly number[], keepdims = true): Value => reduce(g, 'ReduceSum', x, axes, keepdims)

/** Slice with constant bounds (use a large `ends` such as 2^62 for "to the end"; negative counts from the end). */
export function slice(g: GraphBuilder, x: Value, starts: readonly number[], ends: readonly number[], axes: readonly number[], steps?: readonly number[]): Value {
  const inputs = [x, g.int64s(starts), g.int64s(ends), g.int64s(axes)]
  if (steps !== undefined) inputs.push(g.int64s(steps))
  return g.node('Slice', inputs)
}

/** Rank-preserving "to the end" bound for Slice. */
export const END = 2 ** 62

export function concat(g: GraphBuilder, values: readonly Value[], axis: number): Value {
  return g.node('Concat', values, { axis: attr.int(axis) })
}

export function reshape(g: GraphBuilder, x: Value, shape: readonly number[]): Value {
  return g.node('Reshape', [x, g.int64s(shape)])
}

export function gather(g: GraphBuilder, data: Value, indices: Value, axis = 0): Value {
  return g.node('Gather', [data, indices], { axis: attr.int(axis) })
}

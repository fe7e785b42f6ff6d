// Reads OpenCV's BRISQUE model files (cv::FileStorage YAML): the epsilon-SVR written by cv::ml::SVM::save and the
// feature range matrix. FileStorage YAML is not quite YAML (`%YAML:1.0`, `{ epsilon:1.0e-03 }` with no space after the
// colon, `!!opencv-matrix` tags), so a general YAML library misreads it; this parser covers the subset OpenCV writes.

export type FsNode = number | string | FsNode[] | FsMap
export interface FsMap {
  [key: string]: FsNode
}

interface Line {
  readonly indent: number
  readonly text: string
  readonly lineNo: number
}

/** Parse cv::FileStorage YAML text into plain values (numbers where a token is numeric, strings otherwise). */
export function parseFileStorageYaml(text: string): FsMap {
  const raw = text.split(/\r?\n/)
  const lines: Line[] = []
  for (let i = 0; i < raw.length; i++) {
    let s = raw[i] ?? ''
    if (/^\s*(#|%YAML|---|\.\.\.)/.test(s) || s.trim() === '') continue
    const lineNo = i + 1
    const indent = s.length - s.trimStart().length
    // A flow collection can span lines: join until its brackets balance.
    while (depth(s) > 0 && i + 1 < raw.length) s += ' ' + (raw[++i] ?? '').trim()
    if (depth(s) !== 0) throw new Error(`line ${lineNo}: unbalanced brackets`)
    lines.push({ indent, text: s.trim(), lineNo })
  }
  const parser = new BlockParser(lines)
  const root = parser.block(0)
  if (parser.pos !== lines.length) throw new Error(`line ${lines[parser.pos]?.lineNo ?? '?'}: unexpected indentation`)
  if (Array.isArray(root) || typeof root !== 'object') throw new Error('the file does not hold a mapping at the top')
  return root
}

function depth(s: string): number {
  let d = 0
  for (const c of s) {
    if (c === '[' || c === '{') d++
    else if (c === ']' || c === '}') d--
  }
  return d
}

function scalar(token: string): number | string {
  const t = token.trim()
  if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) return Number(t)
  if (/^[-+]?\.inf$/i.test(t)) return t.startsWith('-') ? -Infinity : Infinity
  if (/^\.nan$/i.test(t)) return NaN
  return t.replace(/^"(.*)"$/, '$1')
}

/** Split a flow collection's body at top-level commas. */
function splitTop(body: string): string[] {
  const parts: string[] = []
  let d = 0
  let start = 0
  for (let i = 0; i < body.length; i++) {
    const c = body[i]
    if (c === '[' || c === '{') d++
    else if (c === ']' || c === '}') d--
    else if (c === ',' && d === 0) {
      parts.push(body.slice(start, i))
      start = i + 1
    }
  }
  parts.push(body.slice(start))
  return parts.map((p) => p.trim()).filter((p) => p !== '')
}

function flow(text: string): FsNode {
  const t = text.trim()
  if (t.startsWith('[')) return splitTop(t.slice(1, -1)).map(flow)
  if (t.startsWith('{')) {
    const out: FsMap = {}
    for (const part of splitTop(t.slice(1, -1))) {
      const colon = part.indexOf(':')
      if (colon < 0) throw new Error(`flow mapping entry without a key: '${part}'`)
      out[part.slice(0, colon).trim()] = flow(part.slice(colon + 1))
    }
    return out
  }
  return scalar(t)
}

class BlockParser {
  pos = 0
  constructor(private readonly lines: readonly Line[]) {}

  /** Parse the block (mapping or sequence) whose lines are indented at least `minIndent`. */
  block(minIndent: number): FsNode {
    const first = this.lines[this.pos]
    if (first === undefined || first.indent < minIndent) return {}
    return first.text.startsWith('-') ? this.sequence(first.indent) : this.mapping(first.indent)
  }

  private mapping(indent: number): FsMap {
    const out: FsMap = {}
    for (let line = this.lines[this.pos]; line !== undefined && line.indent === indent; line = this.lines[this.pos]) {
      const m = /^([^:\s][^:]*):(?:\s+(.*))?$/.exec(line.text)
      if (m === null) throw new Error(`line ${line.lineNo}: expected 'key: value'`)
      const key = (m[1] ?? '').trim()
      this.pos++
      out[key] = this.valueAfter(m[2], indent, line.lineNo)
    }
    return out
  }

  private sequence(indent: number): FsNode[] {
    const out: FsNode[] = []
    for (let line = this.lines[this.pos]; line !== undefined && line.indent === indent && line.text.startsWith('-'); line = this.lines[this.pos]) {
      this.pos++
      out.push(this.valueAfter(line.text.slice(1), indent, line.lineNo))
    }
    return out
  }

  /** The value after `key:` or `-`: inline text, a tag plus a nested block, or a nested block alone. */
  private valueAfter(rest: string | undefined, parentIndent: number, lineNo: number): FsNode {
    let inline = (rest ?? '').trim()
    if (inline.startsWith('!!')) inline = inline.replace(/^!!\S+\s*/, '') // e.g. !!opencv-matrix: the nested mapping says it all
    if (inline !== '') return flow(inline)
    const next = this.lines[this.pos]
    if (next === undefined || next.indent <= parentIndent) throw new Error(`line ${lineNo}: missing value`)
    return this.block(next.indent)
  }
}

// ---- typed views of the two BRISQUE files ------------------------------------------------------------------------

/** An epsilon-SVR with an RBF kernel, as cv::ml::SVM evaluates it: score = Σ αᵢ·exp(−γ‖x − svᵢ‖²) − ρ. */
export interface SvrRbfModel {
  readonly varCount: number
  readonly gamma: number
  readonly rho: number
  /** Row-major [svCount, varCount]; OpenCV keeps these as float32. */
  readonly supportVectors: Float32Array
  /** One per support vector used by the decision function (OpenCV keeps these as float64). */
  readonly alphas: Float64Array
  readonly svCount: number
}

/** Per-feature [min, max] observed in training; features are mapped linearly to [-1, 1] with it. */
export interface FeatureRange {
  readonly min: Float32Array
  readonly max: Float32Array
}

function field(map: FsMap, key: string, where: string): FsNode {
  const v = map[key]
  if (v === undefined) throw new Error(`${where}: '${key}' is missing`)
  return v
}

function asMap(v: FsNode, where: string): FsMap {
  if (typeof v !== 'object' || Array.isArray(v)) throw new Error(`${where}: expected a mapping`)
  return v
}

function asNumber(v: FsNode, where: string): number {
  if (typeof v !== 'number') throw new Error(`${where}: expected a number, got ${JSON.stringify(v)}`)
  return v
}

function asNumbers(v: FsNode, where: string): number[] {
  if (!Array.isArray(v)) throw new Error(`${where}: expected a list`)
  return v.map((x, i) => asNumber(x, `${where}[${i}]`))
}

/** Read `brisque_model_live.yml` (cv::ml::SVM::save output). Only EPS_SVR with an RBF kernel is accepted. */
export function parseOpenCvSvr(text: string): SvrRbfModel {
  const svm = asMap(field(parseFileStorageYaml(text), 'opencv_ml_svm', 'file'), 'opencv_ml_svm')
  const svmType = field(svm, 'svmType', 'opencv_ml_svm')
  if (svmType !== 'EPS_SVR') throw new Error(`svmType ${String(svmType)} is not supported (EPS_SVR only)`)
  const kernel = asMap(field(svm, 'kernel', 'opencv_ml_svm'), 'kernel')
  if (field(kernel, 'type', 'kernel') !== 'RBF') throw new Error(`kernel ${String(kernel.type)} is not supported (RBF only)`)
  const gamma = asNumber(field(kernel, 'gamma', 'kernel'), 'kernel.gamma')
  const varCount = asNumber(field(svm, 'var_count', 'opencv_ml_svm'), 'var_count')
  const svTotal = asNumber(field(svm, 'sv_total', 'opencv_ml_svm'), 'sv_total')
  const svNode = field(svm, 'support_vectors', 'opencv_ml_svm')
  if (!Array.isArray(svNode) || svNode.length !== svTotal) throw new Error(`support_vectors: expected ${svTotal} rows`)
  const allSv = new Float32Array(svTotal * varCount)
  svNode.forEach((row, i) => {
    const values = asNumbers(row, `support_vectors[${i}]`)
    if (values.length !== varCount) throw new Error(`support_vectors[${i}]: ${values.length} values, expected ${varCount}`)
    allSv.set(values, i * varCount)
  })
  const dfs = field(svm, 'decision_functions', 'opencv_ml_svm')
  if (!Array.isArray(dfs) || dfs.length !== 1) throw new Error('decision_functions: a regression model has exactly one')
  const df = asMap(dfs[0] ?? {}, 'decision_functions[0]')
  const svCount = asNumber(field(df, 'sv_count', 'decision_functions[0]'), 'sv_count')
  const rho = asNumber(field(df, 'rho', 'decision_functions[0]'), 'rho')
  const alphas = Float64Array.from(asNumbers(field(df, 'alpha', 'decision_functions[0]'), 'alpha'))
  if (alphas.length !== svCount) throw new Error(`alpha: ${alphas.length} values, sv_count says ${svCount}`)
  // OpenCV omits `index` when the decision function uses every support vector in order.
  const index = df.index === undefined ? null : asNumbers(df.index, 'index')
  let supportVectors = allSv
  if (index !== null) {
    supportVectors = new Float32Array(svCount * varCount)
    index.forEach((j, k) => supportVectors.set(allSv.subarray(j * varCount, (j + 1) * varCount), k * varCount))
  } else if (svCount !== svTotal) {
    throw new Error(`sv_count ${svCount} differs from sv_total ${svTotal} and there is no index`)
  }
  return { varCount, gamma, rho, supportVectors, alphas, svCount }
}

/** Read `brisque_range_live.yml`: an `!!opencv-matrix` of 2 rows (min, max) by feature count. */
export function parseOpenCvRange(text: string): FeatureRange {
  const m = asMap(field(parseFileStorageYaml(text), 'range', 'file'), 'range')
  const rows = asNumber(field(m, 'rows', 'range'), 'range.rows')
  const cols = asNumber(field(m, 'cols', 'range'), 'range.cols')
  if (rows !== 2) throw new Error(`range: ${rows} rows, expected 2 (min, max)`)
  const data = asNumbers(field(m, 'data', 'range'), 'range.data')
  if (data.length !== rows * cols) throw new Error(`range: ${data.length} values for ${rows}x${cols}`)
  return { min: Float32Array.from(data.slice(0, cols)), max: Float32Array.from(data.slice(cols)) }
}

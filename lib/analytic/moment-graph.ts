/**
 * The graph a moment rewrite builds: every tensor keeps its name for its mean, and a tensor that
 * depends on a dropout mask also gets a variance tensor (varOf). Tensors without one are
 * deterministic (the image's features before the first dropout, pooling indices, shapes).
 */
import { floatTensor, int64Tensor, ModelError, makeNode, onnx, type Graph, type Node } from '../onnx/model';
import { constantTensor, tensorDims, tensorNumbers } from './constants';

export class MomentGraph {
  readonly nodes: Node[] = [];
  readonly initializers: onnx.ITensorProto[] = [];
  private readonly vars = new Map<string, string>();
  private readonly scalars = new Map<number, string>();
  private counter = 0;

  constructor(readonly source: Graph, readonly shapes: ReadonlyMap<string, readonly number[]>, readonly opset: number, readonly file: string) {}

  varOf(tensor: string): string | undefined {
    return this.vars.get(tensor);
  }

  variances(): ReadonlyMap<string, string> {
    return new Map(this.vars);
  }

  setVar(tensor: string, variance: string): void {
    this.vars.set(tensor, variance);
  }

  /** A fresh tensor name. */
  fresh(base: string): string {
    return `moments_${this.counter++}_${base.replace(/[^A-Za-z0-9_]/g, '_').slice(-40)}`;
  }

  /** Emits one node and returns its (first) output. */
  op(opType: string, inputs: readonly string[], attributes: onnx.IAttributeProto[] = [], output = this.fresh(opType)): string {
    this.nodes.push(makeNode(opType, inputs, [output], output, attributes));
    return output;
  }

  /** A float32 scalar initializer (one per value). */
  scalar(value: number): string {
    let name = this.scalars.get(value);
    if (!name) {
      name = this.fresh('const');
      this.initializers.push(floatTensor(name, [], [value]));
      this.scalars.set(value, name);
    }
    return name;
  }

  floats(dims: readonly number[], values: ArrayLike<number>): string {
    const name = this.fresh('const');
    this.initializers.push(floatTensor(name, dims, values));
    return name;
  }

  ints(values: readonly number[]): string {
    const name = this.fresh('ints');
    this.initializers.push(int64Tensor(name, [values.length], values));
    return name;
  }

  constant(name: string): onnx.ITensorProto | undefined {
    return name ? constantTensor(this.source, name) : undefined;
  }

  /** The values of a constant tensor, or undefined when it is computed or not float32/int64. */
  constantValues(name: string): { dims: number[]; values: Float64Array } | undefined {
    const t = this.constant(name);
    const values = t ? tensorNumbers(t) : undefined;
    return t && values ? { dims: tensorDims(t), values } : undefined;
  }

  /** t squared: a new initializer for a constant, a Mul node otherwise. */
  square(tensor: string): string {
    const c = this.constantValues(tensor);
    if (c && this.constant(tensor)?.dataType === onnx.TensorProto.DataType.FLOAT) return this.floats(c.dims, c.values.map((v) => v * v));
    return this.op('Mul', [tensor, tensor]);
  }

  /** Zeros of the shape of `tensor` (a variance for a deterministic operand). */
  zerosLike(tensor: string): string {
    return this.op('Mul', [tensor, this.scalar(0)]);
  }

  shape(tensor: string): readonly number[] | undefined {
    return this.shapes.get(tensor);
  }

  /** Stops the compile, naming the node and why its moments cannot be propagated. */
  refuse(node: Node, why: string): never {
    throw new ModelError(this.file, `--samples analytic: ${node.opType} node '${node.name || (node.output ?? [])[0]}' ${why}`);
  }
}

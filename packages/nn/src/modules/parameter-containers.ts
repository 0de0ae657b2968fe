// ParameterList and ParameterDict: parameters held by index or by name, registered on
// the container so parameters(), namedParameters() and stateDict() see them under
// PyTorch's keys ("0", "1", ... and the dict's own keys).
import { ValueError } from '@tensile/core';
import { Module } from '../module.js';
import { isParameter, type Parameter } from '../parameter.js';

function checkParameter(op: string, p: unknown, what: string): Parameter {
  if (!isParameter(p)) throw new ValueError(`${op}: ${what} must be a Parameter, got ${p === null ? 'null' : typeof p === 'object' ? (p as object).constructor.name : typeof p}`);
  return p;
}

/** Parameters registered under "0", "1", ...; it is not callable. */
export class ParameterList extends Module<[], never> {
  constructor(parameters: Iterable<Parameter> = []) {
    super();
    this.extend(parameters);
  }

  override get length(): number {
    return this._parameters.size;
  }

  at(index: number): Parameter {
    const n = this._parameters.size;
    const i = index < 0 ? index + n : index;
    if (!Number.isInteger(i) || i < 0 || i >= n) throw new ValueError(`ParameterList: index ${index} is out of range for a list of ${n}`);
    return this._parameters.get(String(i))!;
  }

  append(p: Parameter): this {
    this.registerParameter(String(this._parameters.size), checkParameter('ParameterList.append', p, 'the value'));
    return this;
  }

  extend(parameters: Iterable<Parameter>): this {
    const ps = [...parameters];
    ps.forEach((p, i) => checkParameter('ParameterList', p, `item ${i}`));
    for (const p of ps) this.append(p);
    return this;
  }

  [Symbol.iterator](): Iterator<Parameter> {
    return ([...this._parameters.values()] as Parameter[])[Symbol.iterator]();
  }

  forward(): never {
    throw new ValueError('ParameterList: a ParameterList is not callable; use its parameters (iterate over it or use at(i))');
  }

  override extraRepr(): string {
    return [...this._parameters.entries()].map(([k, p]) => `(${k}): Parameter of shape [${p!.shape.join(', ')}]`).join('\n');
  }
}

/** Parameters by name, in insertion order; it is not callable. */
export class ParameterDict extends Module<[], never> {
  constructor(parameters: Record<string, Parameter> | Iterable<[string, Parameter]> = {}) {
    super();
    this.update(parameters);
  }

  get(key: string): Parameter | undefined {
    return this._parameters.get(key) ?? undefined;
  }

  set(key: string, p: Parameter): this {
    if (typeof key !== 'string' || key === '' || key.includes('.')) throw new ValueError(`ParameterDict: a key must be a non-empty string without '.', got ${JSON.stringify(key)}`);
    this.registerParameter(key, checkParameter('ParameterDict.set', p, `the value for ${JSON.stringify(key)}`));
    return this;
  }

  has(key: string): boolean {
    return this._parameters.has(key);
  }

  /** Removes and returns the parameter under key. */
  pop(key: string): Parameter {
    const p = this._parameters.get(key);
    if (p === undefined || p === null) throw new ValueError(`ParameterDict.pop: no parameter under key ${JSON.stringify(key)}`);
    delete (this as unknown as Record<string, unknown>)[key];
    return p;
  }

  get size(): number {
    return this._parameters.size;
  }

  keys(): string[] {
    return [...this._parameters.keys()];
  }

  values(): Parameter[] {
    return [...this._parameters.values()] as Parameter[];
  }

  entries(): [string, Parameter][] {
    return [...this._parameters.entries()] as [string, Parameter][];
  }

  [Symbol.iterator](): Iterator<string> {
    return this.keys()[Symbol.iterator]();
  }

  update(parameters: Record<string, Parameter> | Iterable<[string, Parameter]>): this {
    const pairs: [string, Parameter][] =
      Symbol.iterator in Object(parameters) ? [...(parameters as Iterable<[string, Parameter]>)] : Object.entries(parameters as Record<string, Parameter>);
    for (const [k, p] of pairs) checkParameter('ParameterDict', p, `the value for ${JSON.stringify(k)}`);
    for (const [k, p] of pairs) this.set(k, p);
    return this;
  }

  forward(): never {
    throw new ValueError('ParameterDict: a ParameterDict is not callable; use its parameters (get(key))');
  }
}

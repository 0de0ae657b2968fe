import { DTypeError, ShapeError, ValueError, fmtShape } from '../errors.js';
import { tidy } from '../memory.js';
import { numel } from '../shape.js';
import { isTensor, type Tensor } from '../tensor.js';
import { matmul } from './matmul.js';
import { sum } from './reduce.js';
import { deviceOfList } from './util.js';
import { diagonal, expand, permute, reshape } from './view.js';

/** One operand during contraction: a tensor and the label of each of its dims (letters, or '#k' for ellipsis dim k). */
interface Term {
  t: Tensor;
  labels: string[];
}

interface Parsed {
  inputs: { letters: string[]; ellipsis: number }[]; // ellipsis: position among the letters, or -1
  output: { letters: string[]; ellipsis: number } | null;
}

function parseTerm(term: string, offset: number): { letters: string[]; ellipsis: number } {
  const letters: string[] = [];
  let ellipsis = -1;
  for (let i = 0; i < term.length; i++) {
    const c = term[i]!;
    if (c === '.') {
      if (ellipsis >= 0 || term.slice(i, i + 3) !== '...')
        throw new ValueError(`einsum(): found '.' for operand at index ${offset + i} that is not part of any ellipsis, or more than one ellipsis in one term`);
      ellipsis = letters.length;
      i += 2;
    } else if (/^[a-zA-Z]$/.test(c)) letters.push(c);
    else throw new ValueError(`einsum(): invalid subscript given at index ${offset + i} in the equation string, subscripts must be in [a-zA-Z]`);
  }
  return { letters, ellipsis };
}

function parse(equation: string): Parsed {
  if (typeof equation !== 'string') throw new ValueError(`einsum(): the equation must be a string, got ${typeof equation}`);
  const eq = equation.replace(/\s/g, '');
  const arrow = eq.indexOf('->');
  const lhs = arrow < 0 ? eq : eq.slice(0, arrow);
  let pos = 0;
  const inputs = lhs.split(',').map((term) => {
    const p = parseTerm(term, pos);
    pos += term.length + 1;
    return p;
  });
  const output = arrow < 0 ? null : parseTerm(eq.slice(arrow + 2), arrow + 2);
  return { inputs, output };
}

/** A label's dims summed away. */
function sumOut(term: Term, drop: (l: string) => boolean): Term {
  const dims = term.labels.flatMap((l, i) => (drop(l) ? [i] : []));
  if (dims.length === 0) return term;
  return { t: sum(term.t, dims), labels: term.labels.filter((l) => !drop(l)) };
}

/** Merges repeated labels of one operand into their diagonal (iij -> ji takes x[i, i, j]). */
function takeDiagonals(term: Term, operand: number): Term {
  for (;;) {
    const i = term.labels.findIndex((l, k) => term.labels.indexOf(l) !== k);
    if (i < 0) return term;
    const first = term.labels.indexOf(term.labels[i]!);
    const [a, b] = [term.t.shape[first]!, term.t.shape[i]!];
    if (a !== b) throw new ShapeError(`einsum(): subscript ${term.labels[i]} is repeated for operand ${operand} but the sizes don't match, ${b} != ${a}`);
    const label = term.labels[i]!;
    term = { t: diagonal(term.t, 0, first, i), labels: [...term.labels.filter((_, k) => k !== first && k !== i), label] };
  }
}

/**
 * The product of two terms, contracting the shared labels not in `needed` and keeping the
 * others: batch labels (shared and needed) lead, then a's own, then b's own. One matmul.
 */
function contractPair(a: Term, b: Term, needed: Set<string>, size: Map<string, number>): Term {
  const inA = new Set(a.labels);
  const inB = new Set(b.labels);
  const batch = a.labels.filter((l) => inB.has(l) && needed.has(l));
  const contract = a.labels.filter((l) => inB.has(l) && !needed.has(l));
  const aOwn = a.labels.filter((l) => !inB.has(l));
  const bOwn = b.labels.filter((l) => !inA.has(l));
  // A contracted label of size 1 on one side broadcasts against the other's.
  const full = (term: Term): Tensor => {
    const want = term.t.shape.map((s, i) => (contract.includes(term.labels[i]!) ? size.get(term.labels[i]!)! : s));
    return want.some((s, i) => s !== term.t.shape[i]) ? expand(term.t, want) : term.t;
  };
  const dimsOf = (term: Term, ls: string[]) => ls.map((l) => term.labels.indexOf(l));
  const sizesOf = (t: Tensor, term: Term, ls: string[]) => ls.map((l) => t.shape[term.labels.indexOf(l)]!);
  const at = full(a);
  const bt = full(b);
  const ap = permute(at, dimsOf(a, [...batch, ...aOwn, ...contract]));
  const bp = permute(bt, dimsOf(b, [...batch, ...contract, ...bOwn]));
  const aOwnSizes = sizesOf(at, a, aOwn);
  const bOwnSizes = sizesOf(bt, b, bOwn);
  const k = numel(contract.map((l) => size.get(l)!));
  const A = reshape(ap, [...sizesOf(at, a, batch), numel(aOwnSizes), k]);
  const B = reshape(bp, [...sizesOf(bt, b, batch), k, numel(bOwnSizes)]);
  const p = matmul(A, B);
  const batchSizes = p.shape.slice(0, batch.length);
  return { t: reshape(p, [...batchSizes, ...aOwnSizes, ...bOwnSizes]), labels: [...batch, ...aOwn, ...bOwn] };
}

/**
 * Einstein summation with PyTorch's subscript grammar: letters a-z A-Z, one `...` per term
 * for broadcast dims, an optional `->` output (without it: the ellipsis dims, then every letter
 * that occurs once, in alphabetical order, uppercase first). Repeated letters in one operand
 * take its diagonal; dims of size 1 broadcast. Contracted pairwise from the left, each pair in
 * one matmul, so it is differentiable (twice) and runs on every backend.
 */
export function einsum(equation: string, ...operandArgs: (Tensor | readonly Tensor[])[]): Tensor {
  const operands = (operandArgs.length === 1 && Array.isArray(operandArgs[0]) ? operandArgs[0] : operandArgs) as Tensor[];
  const parsed = parse(equation);
  if (operands.length === 0) throw new ValueError('einsum(): must provide at least one operand');
  if (!operands.every(isTensor)) throw new ValueError('einsum(): every operand must be a tensor');
  deviceOfList('einsum', operands);
  if (parsed.inputs.length > operands.length) throw new ValueError('einsum(): fewer operands were provided than specified in the equation');
  if (parsed.inputs.length < operands.length) throw new ValueError('einsum(): more operands were provided than specified in the equation');
  const dtype = operands[0]!.dtype;
  for (const [i, t] of operands.entries()) {
    if (t.dtype === 'bool') throw new DTypeError(`einsum(): not implemented for bool tensors (operand ${i} of shape ${fmtShape(t.shape)})`);
    if (t.dtype !== dtype) throw new DTypeError(`einsum(): expected every operand to have the same dtype, got ${dtype} (operand 0) and ${t.dtype} (operand ${i})`);
  }
  // Labels per dim: ellipsis dims right-aligned across operands, as broadcasting.
  const ellDims = parsed.inputs.map((p, i) => {
    const t = operands[i]!;
    if (p.ellipsis < 0) {
      if (p.letters.length !== t.ndim)
        throw new ShapeError(`einsum(): the number of subscripts in the equation (${p.letters.length}) does not match the number of dimensions (${t.ndim}) for operand ${i} and no ellipsis was given`);
      return 0;
    }
    if (p.letters.length > t.ndim)
      throw new ShapeError(`einsum(): the number of subscripts in the equation (${p.letters.length}) is more than the number of dimensions (${t.ndim}) for operand ${i}`);
    return t.ndim - p.letters.length;
  });
  const E = Math.max(0, ...ellDims);
  const ell = Array.from({ length: E }, (_, k) => `#${k}`);
  const size = new Map<string, number>();
  let terms: Term[] = parsed.inputs.map((p, i) => {
    const e = ellDims[i]!;
    const labels = p.ellipsis < 0 ? p.letters : [...p.letters.slice(0, p.ellipsis), ...ell.slice(E - e), ...p.letters.slice(p.ellipsis)];
    return { t: operands[i]!, labels };
  });
  // Sizes must agree or be 1 (checked before any work).
  terms.forEach((term, i) => {
    const seen = new Map<string, number>();
    term.labels.forEach((l, d) => {
      const s = term.t.shape[d]!;
      if (seen.has(l)) return; // a repeated letter: its diagonal, checked there
      seen.set(l, s);
      const prev = size.get(l);
      if (prev === undefined || prev === 1) size.set(l, s);
      else if (s !== prev && s !== 1) {
        if (l.startsWith('#'))
          throw new ShapeError(`einsum(): dimension ${Number(l.slice(1)) - (E - ellDims[i]!)} covered by ellipsis in operand ${i} has size ${s} which does not broadcast with previously seen ellipsis with size ${prev} for the respective dimension`);
        throw new ShapeError(`einsum(): subscript ${l} has size ${s} for operand ${i} which does not broadcast with previously seen size ${prev}`);
      }
    });
  });
  // The output's labels.
  let out: string[];
  if (parsed.output === null) {
    const counts = new Map<string, number>();
    for (const p of parsed.inputs) for (const l of p.letters) counts.set(l, (counts.get(l) ?? 0) + 1);
    out = [...ell, ...[...counts.keys()].filter((l) => counts.get(l) === 1).sort()];
  } else {
    const o = parsed.output;
    const seen = new Set<string>();
    for (const l of o.letters) {
      if (seen.has(l)) throw new ValueError(`einsum(): output subscript ${l} appears more than once in the output`);
      seen.add(l);
      if (!parsed.inputs.some((p) => p.letters.includes(l))) throw new ValueError(`einsum(): output subscript ${l} does not appear in the equation for any input operand`);
    }
    out = o.ellipsis < 0 ? o.letters : [...o.letters.slice(0, o.ellipsis), ...ell, ...o.letters.slice(o.ellipsis)];
  }
  return tidy(() => {
    terms = terms.map((term, i) => takeDiagonals(term, i));
    const outSet = new Set(out);
    const neededAfter = (i: number) => new Set([...out, ...terms.slice(i + 1).flatMap((t) => t.labels)]);
    let cur = sumOut(terms[0]!, (l) => !neededAfter(0).has(l));
    for (let i = 1; i < terms.length; i++) {
      const needed = neededAfter(i);
      const inCur = new Set(cur.labels);
      const nxt = sumOut(terms[i]!, (l) => !needed.has(l) && !inCur.has(l));
      const inNxt = new Set(nxt.labels);
      cur = sumOut(cur, (l) => !needed.has(l) && !inNxt.has(l));
      cur = contractPair(cur, nxt, needed, size);
    }
    cur = sumOut(cur, (l) => !outSet.has(l));
    // Output dims of size 1 in every operand that had them, others broadcast to their size.
    const res = permute(cur.t, out.map((l) => cur.labels.indexOf(l)));
    const want = out.map((l) => size.get(l)!);
    return want.some((s, i) => s !== res.shape[i]) ? expand(res, want) : res;
  });
}

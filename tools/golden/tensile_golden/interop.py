"""safetensors files: interop/*.safetensors and interop/README.json.

Debian's torch 1.13 has no `safetensors` package, so the files come from the
small writer below, which lays a file out exactly as the reference
implementation (huggingface/safetensors, safetensors/src/tensor.rs) does:

- 8 bytes: N, the header's length, unsigned 64-bit little-endian;
- N bytes: the header, compact UTF-8 JSON (serde_json's output: no spaces,
  non-ASCII characters as themselves, control characters escaped):
  `__metadata__` first when there is one, then every tensor as
  {"dtype", "shape", "data_offsets": [begin, end]} in data order; padded with
  spaces (0x20) to a multiple of 8 so the data are aligned;
- the byte buffer: each tensor's data, little-endian, row-major, one after
  another with no gaps, ordered by descending dtype (the reference's Dtype enum
  order: I64, F64, F32, I32, BF16, F16, U8, BOOL for the dtypes here), then by name.

The reference writes `__metadata__` from a hash map, in no fixed order; this
writer sorts its keys, so the bytes are the same every run. Valid files hold
state_dicts of real torch modules (weights from PyTorch's own default init
under a seed derived from the file name) or tensors made for the purpose;
malformed ones are a valid layout with one thing broken, each entry saying
what and why a loader must refuse it.
"""

from __future__ import annotations

import json
import struct
import sys
import zlib
from typing import Any, Callable

import torch
from torch import nn

from .common import SEED, GeneratorError, encode_float, header

# The reference implementation's Dtype enum order (it writes by descending order, then by name).
DTYPE_ORDER = ['BOOL', 'U8', 'I8', 'F8_E5M2', 'F8_E4M3', 'I16', 'U16', 'F16', 'BF16', 'I32', 'U32', 'F32', 'F64', 'I64', 'U64']
ST_DTYPE = {torch.float64: 'F64', torch.float32: 'F32', torch.float16: 'F16', torch.bfloat16: 'BF16', torch.int64: 'I64',
            torch.int32: 'I32', torch.uint8: 'U8', torch.bool: 'BOOL'}
SIZE = {'F64': 8, 'F32': 4, 'F16': 2, 'BF16': 2, 'I64': 8, 'I32': 4, 'U8': 1, 'BOOL': 1}
INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1

NOTES = [
    "files lists every .safetensors file in this folder. reject false: a loader must return exactly 'tensors' (name -> {dtype, shape, data}; safetensors dtype names; data flat row-major, F64/F32/F16/BF16 values as float64 numbers with 'nan' / 'inf' / '-inf' strings, I64/I32/U8 as integers (all within int32), BOOL as true/false) and 'metadata' (the __metadata__ string map, null when the file has none). reject true: loading must throw, and 'why' says what is wrong",
    "layout (safetensors): 8-byte little-endian unsigned N; N bytes of UTF-8 JSON, an object {name: {dtype, shape, data_offsets: [begin, end]}, '__metadata__'?: {string: string}} that begins with '{' and may end with spaces; then the byte buffer, offsets relative to its start, data little-endian and row-major",
    "a loader must check: the file has at least 8 bytes; N fits in 64 bits and 8 + N <= file size; the header is valid UTF-8, begins with '{' and is strict JSON (an object, no duplicate keys at any level, no lone surrogate escapes, nothing but whitespace after it); __metadata__, when present and not null, is an object whose values are all strings; every other entry is an object with a known dtype string, a shape that is a list of non-negative integers and data_offsets that are two non-negative integers begin <= end; end - begin = number of elements * dtype size (with no 64-bit overflow); sorted by offset, the tensors tile the byte buffer exactly: the first begins at 0, each begins where the previous one ends, the last ends at the end of the file (no overlap, gap, overrun or trailing bytes)",
    "valid files are laid out as the reference writer does (header padded with spaces to a multiple of 8; data by descending dtype (its enum order I64, F64, F32, I32, BF16, F16, U8, BOOL), then name; __metadata__ keys sorted) unless 'what' says otherwise",
    "'module' describes the torch.nn.Sequential whose state_dict a file holds, layer by layer with constructor options in camelCase as in layers/*.json; the state dict loads into it (F16/BF16/F64 files load into the float32 model as load_state_dict's copy does)",
]


# --- the writer ------------------------------------------------------------------------------


def raw_bytes(t: torch.Tensor) -> bytes:
    """A tensor's data, little-endian, row-major."""
    if sys.byteorder != 'little':
        raise GeneratorError('the writer assumes a little-endian host')
    t = t.detach().cpu().contiguous().reshape(-1)
    if t.dtype == torch.bool:
        return bytes(int(v) for v in t.tolist())
    return t.view(torch.uint8).numpy().tobytes() if t.numel() else b''


def header_json(obj: dict) -> bytes:
    """serde_json's compact form."""
    return json.dumps(obj, separators=(',', ':'), ensure_ascii=False, allow_nan=False).encode('utf-8')


def layout(tensors: dict[str, torch.Tensor], order: list[str] | None = None) -> list[str]:
    if order is not None:
        return order
    return sorted(tensors, key=lambda n: (-DTYPE_ORDER.index(ST_DTYPE[tensors[n].dtype]), n))


def serialize(tensors: dict[str, torch.Tensor], metadata: dict[str, str] | None = None, *, order: list[str] | None = None,
              header_order: list[str] | None = None, pad: bool = True, extra_spaces: int = 0) -> bytes:
    """The safetensors bytes of tensors (name -> torch tensor), as the reference writer lays them out.

    order (data order) and header_order (key order in the JSON) override the
    reference layout; pad=False leaves the header unpadded; extra_spaces adds
    more trailing spaces (both still valid files)."""
    names = layout(tensors, order)
    infos = {}
    offset = 0
    chunks = []
    for n in names:
        data = raw_bytes(tensors[n])
        infos[n] = {'dtype': ST_DTYPE[tensors[n].dtype], 'shape': list(tensors[n].shape), 'data_offsets': [offset, offset + len(data)]}
        offset += len(data)
        chunks.append(data)
    head: dict = {}
    if metadata is not None:
        head['__metadata__'] = {k: metadata[k] for k in sorted(metadata)}
    for n in header_order or names:
        head[n] = infos[n]
    return frame(header_json(head), b''.join(chunks), pad=pad, extra_spaces=extra_spaces)


def frame(head: bytes, data: bytes, *, pad: bool = True, extra_spaces: int = 0, n: int | None = None) -> bytes:
    """8-byte length, header (space-padded to a multiple of 8 when pad), data; n overrides the stored length."""
    if pad:
        head += b' ' * ((8 - len(head) % 8) % 8)
    head += b' ' * extra_spaces
    return struct.pack('<Q', len(head) if n is None else n) + head + data


def raw_header(obj: Any) -> bytes:
    """Any JSON value as a header (for malformed files)."""
    return header_json(obj)


# --- expected values ---------------------------------------------------------------------------


def expect_tensor(t: torch.Tensor) -> dict:
    st = ST_DTYPE[t.dtype]
    flat = t.detach().reshape(-1)
    if st == 'BOOL':
        data = [bool(v) for v in flat.tolist()]
    elif st in ('I64', 'I32', 'U8'):
        data = [int(v) for v in flat.tolist()]
        for v in data:
            if not INT32_MIN <= v <= INT32_MAX:
                raise GeneratorError(f'integer {v} outside int32 in a valid file')
    else:
        data = [encode_float(v) for v in flat.double().tolist()]
    return {'dtype': st, 'shape': list(t.shape), 'data': data}


def seed_of(name: str) -> int:
    return zlib.crc32(f'{SEED}:interop:{name}'.encode())


def seeded(name: str, build: Callable[[], Any]) -> Any:
    """build() under torch's global generator seeded from name (PyTorch's default init draws from it), leaving it as it was."""
    with torch.random.fork_rng():
        torch.manual_seed(seed_of(name))
        return build()


def gen(name: str) -> torch.Generator:
    return torch.Generator().manual_seed(seed_of(name))


# --- valid files -------------------------------------------------------------------------------

SNAKE = {'inFeatures': 'in_features', 'outFeatures': 'out_features', 'numFeatures': 'num_features', 'normalizedShape': 'normalized_shape'}


def module_of(spec: list[dict]) -> nn.Sequential:
    layers = []
    for l in spec:
        kwargs = {SNAKE.get(k, k): v for k, v in l.items() if k != 'type'}
        layers.append(getattr(nn, l['type'])(**kwargs))
    return nn.Sequential(*layers)


def state_of(m: nn.Module, dtype: torch.dtype | None = None) -> dict[str, torch.Tensor]:
    sd = {k: v.detach().clone() for k, v in m.state_dict().items()}
    if dtype is not None:
        sd = {k: (v.to(dtype) if v.dtype.is_floating_point else v) for k, v in sd.items()}
    return sd


class Folder:
    def __init__(self, folder):
        self.folder = folder
        self.entries: list[dict] = []

    def _write(self, file: str, data: bytes) -> None:
        if any(e['file'] == file for e in self.entries):
            raise GeneratorError(f'duplicate interop file {file}')
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / file).write_bytes(data)

    def valid(self, file: str, what: str, tensors: dict[str, torch.Tensor], metadata: dict | None, data: bytes | None = None,
              module: list[dict] | None = None, note: str | None = None) -> None:
        data = serialize(tensors, metadata) if data is None else data
        self._write(file, data)
        e: dict = {'file': file, 'what': what, 'reject': False}
        if module is not None:
            e['module'] = module
        e['metadata'] = None if metadata is None else {k: metadata[k] for k in sorted(metadata)}
        e['tensors'] = {n: expect_tensor(tensors[n]) for n in sorted(tensors)}
        if note:
            e['note'] = note
        self.entries.append(e)

    def reject(self, file: str, what: str, why: str, data: bytes) -> None:
        self._write(file, data)
        self.entries.append({'file': file, 'what': what, 'reject': True, 'why': why})


MLP = [{'type': 'Linear', 'inFeatures': 4, 'outFeatures': 8}, {'type': 'ReLU'}, {'type': 'Linear', 'inFeatures': 8, 'outFeatures': 3}]
BN = [{'type': 'Linear', 'inFeatures': 4, 'outFeatures': 6}, {'type': 'BatchNorm1d', 'numFeatures': 6}, {'type': 'ReLU'}, {'type': 'Linear', 'inFeatures': 6, 'outFeatures': 2}]
LN = [{'type': 'Linear', 'inFeatures': 4, 'outFeatures': 5}, {'type': 'LayerNorm', 'normalizedShape': 5}, {'type': 'GELU'}, {'type': 'Linear', 'inFeatures': 5, 'outFeatures': 2}]
SMALL = [{'type': 'Linear', 'inFeatures': 4, 'outFeatures': 6}, {'type': 'Tanh'}, {'type': 'Linear', 'inFeatures': 6, 'outFeatures': 2}]


def describe(spec: list[dict]) -> str:
    def one(l):
        args = ', '.join(str(v) for k, v in l.items() if k != 'type')
        return f"{l['type']}({args})"
    return 'Sequential(' + ', '.join(one(l) for l in spec) + ')'


def bn_state() -> dict[str, torch.Tensor]:
    def build():
        m = module_of(BN)
        with torch.no_grad():
            m[1].weight.uniform_(0.5, 1.5)
            m[1].bias.uniform_(-0.5, 0.5)
        m.train()
        with torch.no_grad():
            for _ in range(3):
                m(torch.randn(8, 4) * 1.5 + 0.2)
        return m
    return state_of(seeded('bn_model', build))


def ln_state() -> dict[str, torch.Tensor]:
    def build():
        m = module_of(LN)
        with torch.no_grad():
            m[1].weight.uniform_(0.5, 1.5)
            m[1].bias.uniform_(-0.5, 0.5)
        return m
    return state_of(seeded('layernorm_model', build))


def bits(values: list[int], dtype: torch.dtype, via: torch.dtype) -> torch.Tensor:
    """A tensor with exactly these bit patterns, given unsigned (for NaN payloads, signed zeros, subnormals)."""
    width = torch.iinfo(via).bits
    signed = [v - (1 << width) if v >= 1 << (width - 1) else v for v in values]
    return torch.tensor(signed, dtype=via).view(dtype)


def valid_files(f: Folder) -> None:
    f.valid('mlp_sequential.safetensors', f'state_dict of {describe(MLP)} (PyTorch default init), float32, with the __metadata__ HF writes',
            state_of(seeded('mlp_sequential', lambda: module_of(MLP))), {'format': 'pt'}, module=MLP)
    f.valid('bn_model.safetensors', f'state_dict of {describe(BN)} after three train-mode forwards: running_mean, running_var and num_batches_tracked (I64, 0-d, value 3); no __metadata__',
            bn_state(), None, module=BN)
    f.valid('layernorm_model.safetensors', f'state_dict of {describe(LN)}: LayerNorm weight and bias', ln_state(), {'format': 'pt'}, module=LN)
    for dt, st in [(torch.float16, 'F16'), (torch.bfloat16, 'BF16'), (torch.float64, 'F64')]:
        name = f'mlp_{st.lower()}'
        f.valid(f'{name}.safetensors', f'state_dict of {describe(SMALL)} stored as {st} (as model.to({dt}) would save it)',
                state_of(seeded(name, lambda: module_of(SMALL)), dt), {'format': 'pt', 'dtype': st}, module=SMALL,
                note='F16 and BF16 values are exact in float32; F64 loads as float64 (float32 on a device without it)')
    g = gen('every_dtype')
    every = {
        'f64': torch.randn(2, 3, generator=g, dtype=torch.float64),
        'f32': torch.randn(3, 2, generator=g),
        'f16': (torch.randn(2, 2, 2, generator=g) * 4).half(),
        'bf16': (torch.randn(5, generator=g) * 100).bfloat16(),
        'i64': torch.randint(-100000, 100000, (2, 3), generator=g, dtype=torch.int64),
        'i32': torch.randint(-100000, 100000, (4,), generator=g, dtype=torch.int32),
        'u8': torch.randint(0, 256, (3, 3), generator=g, dtype=torch.int64).to(torch.uint8),
        'bool': torch.rand(2, 3, generator=g) < 0.5,
    }
    f.valid('every_dtype.safetensors', 'one tensor of each dtype F64, F32, F16, BF16, I64, I32, U8, BOOL (1-d to 3-d)', every, {'format': 'pt', 'source': 'tensile golden'})
    specials = {
        'f64': torch.tensor([0.0, -0.0, float('inf'), float('-inf'), float('nan'), 5e-324, -5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, 1 / 3], dtype=torch.float64),
        'f32': torch.cat([torch.tensor([0.0, -0.0, float('inf'), float('-inf'), float('nan')]),
                          bits([0x00000001, 0x80000001, 0x00800000, 0x7F7FFFFF, 0x7FC00001, 0xFFC00000], torch.float32, torch.int32)]),
        'f16': bits([0x0000, 0x8000, 0x7C00, 0xFC00, 0x7E00, 0x0001, 0x8001, 0x0400, 0x7BFF, 0x3555, 0x7C01], torch.float16, torch.int16),
        'bf16': bits([0x0000, 0x8000, 0x7F80, 0xFF80, 0x7FC0, 0x0001, 0x0080, 0x7F7F, 0x3EAB, 0xFFC1], torch.bfloat16, torch.int16),
    }
    f.valid('float_specials.safetensors', 'special values in every float dtype: +-0, +-inf, NaN (quiet, negative and payload-carrying ones), the smallest subnormals, the smallest normal, the largest finite value, a rounded 1/3',
            specials, None, note='F16/BF16 are decoded bit by bit (subnormals included); any NaN bit pattern is NaN; -0 keeps its sign')
    scal = {
        'scalar_f64': torch.tensor(-2.75, dtype=torch.float64), 'scalar_f32': torch.tensor(3.5), 'scalar_f16': torch.tensor(-0.125, dtype=torch.float16),
        'scalar_bf16': torch.tensor(96.0, dtype=torch.bfloat16), 'scalar_i64': torch.tensor(-7, dtype=torch.int64), 'scalar_i32': torch.tensor(42, dtype=torch.int32),
        'scalar_u8': torch.tensor(200, dtype=torch.uint8), 'scalar_bool': torch.tensor(True),
        'empty_f32': torch.zeros(0), 'empty_f64_2x0': torch.zeros(2, 0, dtype=torch.float64), 'empty_f16_0x3': torch.zeros(0, 3, dtype=torch.float16),
        'empty_bf16_3x0x2': torch.zeros(3, 0, 2, dtype=torch.bfloat16), 'empty_i64': torch.zeros(0, dtype=torch.int64), 'empty_i32_0x0': torch.zeros(0, 0, dtype=torch.int32),
        'empty_u8': torch.zeros(0, dtype=torch.uint8), 'empty_bool_1x0': torch.zeros(1, 0, dtype=torch.bool),
    }
    f.valid('scalars_and_empty.safetensors', "0-d tensors (shape []) of every dtype and empty tensors (a 0 in the shape, data_offsets [x, x], no bytes) of every dtype; the empty ones share their offset with a neighbour",
            scal, None)
    ints = {
        'i64': torch.tensor([INT32_MIN, -1, 0, 1, INT32_MAX, -123456789], dtype=torch.int64),
        'i32': torch.tensor([INT32_MIN, -1, 0, 1, INT32_MAX, 65536], dtype=torch.int32),
        'u8': torch.tensor(list(range(0, 256, 17)) + [255], dtype=torch.uint8),
        'bool': torch.tensor([True, False, False, True]),
    }
    f.valid('int_ranges.safetensors', 'integer extremes: I64 and I32 at the ends of the int32 range, -1 (all bits set), U8 up to 255 (unsigned, not -1)', ints, None)
    names = {
        'layer.0/weight': torch.tensor([1.0, 2.0]),
        'ünïcödé ☃': torch.tensor([3.0]),
        '日本語': torch.tensor([4.0, 5.0, 6.0]),
        'with space': torch.tensor([7.0]),
        'quote"and\\backslash': torch.tensor([8.0]),
        'tab\tnewline\n': torch.tensor([9.0]),
        '': torch.tensor([10.0]),
    }
    f.valid('names_and_metadata.safetensors', 'tensor names with dots, slashes, spaces, non-ASCII characters, JSON escapes (quote, backslash, tab, newline) and the empty name; __metadata__ values with the same, and an empty value',
            names, {'format': 'pt', 'description': 'line one\nline "two" — ünïcödé', 'empty': '', 'path': 'C:\\models\\m.safetensors'})
    f.valid('empty_no_tensors.safetensors', 'no tensors and no __metadata__: the header is {} padded to 8 bytes, the buffer is empty', {}, None)
    f.valid('metadata_only.safetensors', 'a __metadata__ map and no tensors', {}, {'format': 'pt', 'note': 'no tensors'})
    t = {'b': torch.arange(6, dtype=torch.float64).reshape(2, 3) / 4, 'a': torch.tensor([1.5, -2.5, 3.25]), 'c': torch.tensor([7, -8], dtype=torch.int32), 'd': torch.tensor([True, False, True])}
    f.valid('header_unpadded.safetensors', "the header is not padded (its length is not a multiple of 8), so the F64 and F32 data start at unaligned file offsets; valid: alignment is the reference writer's habit, not a rule of the format",
            t, {'format': 'pt'}, data=serialize(t, {'format': 'pt'}, pad=False))
    f.valid('header_extra_spaces.safetensors', 'the header ends with 45 spaces, more than alignment needs; valid: the header may be padded with spaces',
            t, None, data=serialize(t, None, extra_spaces=45))
    f.valid('unsorted_layout.safetensors', "the data are not in the reference writer's order (BOOL first, F64 last) and the header lists the tensors in yet another order; valid: only the offsets matter",
            t, None, data=serialize(t, None, order=['d', 'c', 'a', 'b'], header_order=['a', 'd', 'b', 'c']))
    pretty = {'__metadata__': {'format': 'pt'}, 'x': {'dtype': 'F32', 'shape': [2], 'data_offsets': [0, 8]}}
    pretty_head = json.dumps(pretty, indent=2).encode('utf-8')
    f.valid('header_pretty_json.safetensors', 'the header is pretty-printed JSON (newlines and indentation between tokens); valid JSON whitespace',
            {'x': torch.tensor([0.5, -0.25])}, {'format': 'pt'}, data=frame(pretty_head, raw_bytes(torch.tensor([0.5, -0.25]))))
    nullmeta = {'__metadata__': None, 'x': {'dtype': 'I32', 'shape': [1], 'data_offsets': [0, 4]}}
    f.valid('metadata_null.safetensors', '"__metadata__": null, read as no metadata (the reference implementation reads it as an absent Option)',
            {'x': torch.tensor([5], dtype=torch.int32)}, None, data=frame(raw_header(nullmeta), raw_bytes(torch.tensor([5], dtype=torch.int32))))


# --- malformed files -----------------------------------------------------------------------------


F32x4 = torch.tensor([1.0, 2.0, 3.0, 4.0])
F32x4_BYTES = raw_bytes(F32x4)


def entry(dtype: str, shape: list, offsets: list) -> dict:
    return {'dtype': dtype, 'shape': shape, 'data_offsets': offsets}


def one(head: Any, data: bytes = F32x4_BYTES, **kw) -> bytes:
    return frame(raw_header(head), data, **kw)


def malformed_files(f: Folder) -> None:
    two = {'a': torch.tensor([1.0, 2.0, 3.0, 4.0]), 'b': torch.tensor([5.0, 6.0])}
    good = serialize(two)
    hlen = struct.unpack('<Q', good[:8])[0]
    body = good[8:]
    f.reject('bad_empty_file.safetensors', 'a file of 0 bytes', 'the file is shorter than the 8-byte header length', b'')
    f.reject('bad_too_short.safetensors', 'a file of 5 bytes', 'the file is shorter than the 8-byte header length', good[:5])
    f.reject('bad_truncated.safetensors', 'a valid two-tensor F32 file with its last 6 bytes cut off', "the byte buffer is shorter than the last tensor's end offset", good[:-6])
    f.reject('bad_header_length_past_end.safetensors', f'the 8-byte header length says {len(good)}, 8 more than the {len(good) - 8} bytes that follow it',
             'the header length N has 8 + N beyond the end of the file', struct.pack('<Q', len(good) - 8 + 8) + body)
    f.reject('bad_header_length_high_bits.safetensors', f'the header length is 2^32 + {hlen}: its low 32 bits are the real length, the high ones are not zero',
             'N is a 64-bit number (4294967296 + the real length here): 8 + N is past the end of the file; a reader of the low 32 bits alone would accept it', struct.pack('<Q', 2**32 + hlen) + body)
    f.reject('bad_header_length_huge.safetensors', 'the header length is 2^64 - 1', 'the header length is larger than the file (and than the 100 MB the reference implementation allows)', struct.pack('<Q', 2**64 - 1) + body)
    f.reject('bad_header_length_zero.safetensors', 'the header length is 0, the rest of the file is the would-be header and data', 'an empty header is not a JSON object', struct.pack('<Q', 0) + body)
    head = raw_header({'a': entry('F32', [4], [0, 16])})
    f.reject('bad_header_not_utf8.safetensors', 'a tensor name holds the byte 0xFF', 'the header is not valid UTF-8', frame(head.replace(b'"a"', b'"\xff"'), F32x4_BYTES))
    f.reject('bad_header_json.safetensors', 'the header is cut JSON (its two closing braces removed, padded with spaces)', 'the header is not valid JSON', frame(head[:-2], F32x4_BYTES))
    f.reject('bad_header_trailing_garbage.safetensors', 'the header object is followed by "x" inside the header length', 'only whitespace may follow the header object', frame(head + b'x', F32x4_BYTES))
    f.reject('bad_header_nul_padding.safetensors', 'the header is padded with NUL bytes instead of spaces', 'padding must be spaces: a NUL byte after the JSON is not whitespace', frame(head + b'\0' * ((8 - len(head) % 8) % 8 or 8), F32x4_BYTES, pad=False))
    f.reject('bad_header_leading_space.safetensors', 'the header starts with a space before its {', "the format says the header MUST begin with '{' (0x7B); the reference implementation's code does not check it, serde_json skipping the space", frame(b' ' + head, F32x4_BYTES))
    f.reject('bad_header_bom.safetensors', 'the header starts with a UTF-8 byte order mark', "the header must begin with '{'; a BOM is not JSON", frame(b'\xef\xbb\xbf' + head, F32x4_BYTES))
    f.reject('bad_header_not_object.safetensors', 'the header is a JSON array holding the tensor entry', 'the header must be a JSON object', one([entry('F32', [4], [0, 16])]))
    f.reject('bad_header_control_character.safetensors', 'a tensor name holds a raw (unescaped) newline', 'JSON strings cannot hold unescaped control characters', frame(head.replace(b'"a"', b'"a\nb"'), F32x4_BYTES))
    f.reject('bad_header_lone_surrogate.safetensors', 'a tensor name is the escape \\ud800 (a UTF-16 high surrogate with no low one)', 'a lone surrogate escape is not a Unicode character, so the name is not text (serde_json refuses it)',
             frame(head.replace(b'"a"', b'"\\ud800"'), F32x4_BYTES))
    dup = b'{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}'
    f.reject('bad_duplicate_name.safetensors', "the tensor name 'a' appears twice, both entries [0, 16) of a 16-byte buffer", 'the format disallows duplicate keys; a parser that keeps the last one (the reference implementation, through serde\'s HashMap) sees a valid file', frame(dup, F32x4_BYTES))
    dup2 = b'{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"a":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}'
    f.reject('bad_duplicate_name_aliasing.safetensors', "'a' appears twice, once for each half of the buffer: a first-wins and a last-wins reader would load different values", 'duplicate keys are not allowed', frame(dup2, F32x4_BYTES))
    dupm = b'{"__metadata__":{"format":"pt"},"__metadata__":{"format":"np"},"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}'
    f.reject('bad_duplicate_metadata.safetensors', '__metadata__ appears twice', 'duplicate keys are not allowed', frame(dupm, F32x4_BYTES))
    dupk = b'{"__metadata__":{"format":"pt","format":"np"},"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}'
    f.reject('bad_duplicate_metadata_key.safetensors', "the __metadata__ key 'format' appears twice", 'the format disallows duplicate keys, inside __metadata__ too (the reference implementation keeps the last one without a word)', frame(dupk, F32x4_BYTES))
    dupf = b'{"a":{"dtype":"I32","dtype":"F32","shape":[4],"data_offsets":[0,16]}}'
    f.reject('bad_duplicate_field.safetensors', "tensor 'a' has two dtype fields (I32, then F32)", 'duplicate keys are not allowed inside a tensor entry either (serde refuses a duplicate field)', frame(dupf, F32x4_BYTES))
    f.reject('bad_unknown_dtype.safetensors', "dtype 'float32' (torch's name) is not a safetensors dtype", 'unknown dtype', one({'a': entry('float32', [4], [0, 16])}))
    f.reject('bad_unknown_dtype_lowercase.safetensors', "dtype 'f32': dtype names are upper case", 'unknown dtype', one({'a': entry('f32', [4], [0, 16])}))
    f.reject('bad_dtype_not_string.safetensors', 'dtype is the number 4', 'dtype must be a string naming a safetensors dtype', one({'a': entry(4, [4], [0, 16])}))
    f.reject('bad_missing_dtype.safetensors', "tensor 'a' has no dtype", 'every tensor entry needs dtype, shape and data_offsets', one({'a': {'shape': [4], 'data_offsets': [0, 16]}}))
    f.reject('bad_missing_shape.safetensors', "tensor 'a' has no shape", 'every tensor entry needs dtype, shape and data_offsets', one({'a': {'dtype': 'F32', 'data_offsets': [0, 16]}}))
    f.reject('bad_missing_offsets.safetensors', "tensor 'a' has no data_offsets", 'every tensor entry needs dtype, shape and data_offsets', one({'a': {'dtype': 'F32', 'shape': [4]}}))
    f.reject('bad_tensor_entry_not_object.safetensors', "tensor 'a' is a list [dtype, shape, offsets]", 'a tensor entry must be an object', one({'a': ['F32', [4], [0, 16]]}))
    f.reject('bad_shape_negative.safetensors', "shape [-2, -2] (its product 4 matches the 16 bytes)", 'shape entries must be non-negative integers', one({'a': entry('F32', [-2, -2], [0, 16])}))
    f.reject('bad_shape_fraction.safetensors', 'shape [2.5, 1.6]', 'shape entries must be integers', one({'a': entry('F32', [2.5, 1.6], [0, 16])}))
    f.reject('bad_shape_not_list.safetensors', 'shape is the number 4', 'shape must be a list', one({'a': entry('F32', 4, [0, 16])}))
    f.reject('bad_shape_string.safetensors', 'shape is ["4"]', 'shape entries must be integers, not strings', one({'a': entry('F32', ['4'], [0, 16])}))
    f.reject('bad_shape_mismatch.safetensors', "'a' is F32 with shape [3] (12 bytes) but its data_offsets span 16 bytes (the whole buffer)", 'end - begin must equal the number of elements times the dtype size', one({'a': entry('F32', [3], [0, 16])}))
    f.reject('bad_shape_mismatch_short.safetensors', "'a' is F64 with shape [2, 2] (32 bytes) but its data_offsets span the 16-byte buffer", 'end - begin must equal the number of elements times the dtype size', one({'a': entry('F64', [2, 2], [0, 16])}))
    f.reject('bad_shape_dtype_size.safetensors', "'a' has 4 elements in 16 bytes but says F16 (2 bytes each)", 'end - begin must equal the number of elements times the dtype size', one({'a': entry('F16', [4], [0, 16])}))
    f.reject('bad_shape_overflow.safetensors', "'a' is F32 with shape [4294967296, 4294967296, 0]: the element count overflows 64 bits before the 0", 'the number of elements times the dtype size must not overflow (the reference implementation refuses it)',
             frame(raw_header({'a': entry('F32', [2**32, 2**32, 0], [0, 0]), 'b': entry('F32', [4], [0, 16])}), F32x4_BYTES))
    f.reject('bad_offsets_overlap.safetensors', "tensors 'a' [0, 16) and 'b' [8, 24) share bytes 8..16; each entry alone is consistent", 'data_offsets overlap: sorted by offset, each tensor must begin where the previous one ends',
             frame(raw_header({'a': entry('F32', [4], [0, 16]), 'b': entry('F32', [4], [8, 24])}), F32x4_BYTES + F32x4_BYTES[:8]))
    f.reject('bad_offsets_gap.safetensors', "'a' is [0, 8), 'b' [12, 20) of a 20-byte buffer: bytes 8..12 belong to no tensor", 'the tensors must cover the byte buffer without holes',
             frame(raw_header({'a': entry('F32', [2], [0, 8]), 'b': entry('F32', [2], [12, 20])}), F32x4_BYTES + F32x4_BYTES[:4]))
    f.reject('bad_offsets_not_from_zero.safetensors', "the only tensor is [4, 20) of a 20-byte buffer: bytes 0..4 belong to no tensor", 'the first tensor must begin at offset 0',
             frame(raw_header({'a': entry('F32', [4], [4, 20])}), b'\0' * 4 + F32x4_BYTES))
    f.reject('bad_trailing_bytes.safetensors', 'a valid file followed by 4 bytes no tensor claims', 'the last tensor must end at the end of the file: no trailing bytes', good + b'\0\0\0\0')
    f.reject('bad_offsets_out_of_range.safetensors', "'b' claims bytes [16, 32) of a 24-byte buffer; shape and offsets agree", "a tensor's end offset lies past the end of the byte buffer",
             frame(raw_header({'a': entry('F32', [4], [0, 16]), 'b': entry('F32', [4], [16, 32])}), F32x4_BYTES + F32x4_BYTES[:8]))
    f.reject('bad_offsets_reversed.safetensors', "'b' is F32 with shape [0] and data_offsets [16, 0]: begin after end (end - begin is -16, not the 0 bytes the shape needs)", 'begin must not be greater than end',
             frame(raw_header({'a': entry('F32', [4], [0, 16]), 'b': entry('F32', [0], [16, 0])}), F32x4_BYTES))
    f.reject('bad_offsets_three.safetensors', 'data_offsets has three numbers [0, 8, 16]', 'data_offsets must be exactly [begin, end]', one({'a': entry('F32', [4], [0, 8, 16])}))
    f.reject('bad_offsets_negative.safetensors', "data_offsets [-4, 12] span 16 bytes as the shape says", 'offsets must be non-negative integers', one({'a': entry('F32', [4], [-4, 12])}))
    f.reject('bad_offsets_strings.safetensors', 'data_offsets ["0", "16"]', 'offsets must be integers, not strings', one({'a': entry('F32', [4], ['0', '16'])}))
    f.reject('bad_offsets_fraction.safetensors', 'data_offsets [0, 16.0]: the right value written as a fraction', 'offsets must be JSON integers (serde_json refuses 16.0 for an integer)',
             frame(b'{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16.0]}}', F32x4_BYTES))
    f.reject('bad_metadata_not_object.safetensors', '"__metadata__": "pt"', '__metadata__ must be an object of strings', one({'__metadata__': 'pt', 'a': entry('F32', [4], [0, 16])}))
    f.reject('bad_metadata_value_number.safetensors', '__metadata__ {"epoch": 3}', '__metadata__ values must be strings', one({'__metadata__': {'format': 'pt', 'epoch': 3}, 'a': entry('F32', [4], [0, 16])}))
    f.reject('bad_metadata_nested.safetensors', '__metadata__ {"config": {"lr": "0.1"}}', '__metadata__ values must be strings, not objects', one({'__metadata__': {'config': {'lr': '0.1'}}, 'a': entry('F32', [4], [0, 16])}))
    f.reject('bad_metadata_null_value.safetensors', '__metadata__ {"format": null}', '__metadata__ values must be strings', one({'__metadata__': {'format': None}, 'a': entry('F32', [4], [0, 16])}))


def generate(folder) -> int:
    f = Folder(folder)
    valid_files(f)
    malformed_files(f)
    head = header('interop', 'safetensors', NOTES)
    lines = ['{']
    for k, v in head.items():
        lines.append(f'  {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)},')
    lines.append('  "files": [')
    lines.extend(f'    {json.dumps(e, ensure_ascii=False, allow_nan=False)}{"," if i < len(f.entries) - 1 else ""}' for i, e in enumerate(f.entries))
    lines.append('  ]')
    lines.append('}')
    (folder / 'README.json').write_text('\n'.join(lines) + '\n', encoding='utf-8')
    return len(f.entries)

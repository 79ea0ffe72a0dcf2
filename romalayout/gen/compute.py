"""The L-unit compute cell (paper Section III-B) as a gate-level netlist of standard cells.

One combinational datapath for a whole group: lanes == group (see `generate`). It computes
exactly the integers of romalayout.lunit.group_dot_exact.

Ports (bit 0 = LSB; signed outputs are two's complement):
  in  x[16*G]   activation k (FP16 bit pattern) at bits 16k .. 16k+15
  in  w[B*G]    weight k (UInt2 or UInt4) at bits Bk .. Bk+B-1
  in  z[2]      zero point (UInt2)
  in  s[16]     scale (FP16 bit pattern)
  out acc[A]    signed  sum_k value_k * w_k - vsum * z
  out prod[P]   signed  acc * sig, sig = vconv(s) (signed 11-bit significand of s)
  out exp[6]    unsigned max_exp + exp_s; the result is prod * 2^(exp - 50)
  out vsum[V]   signed  sum_k value_k (the alignment unit's side output)
  out max_exp[5] unsigned max_k exp_k (raw exponent fields)
Widths A, P, V come from `output_widths` (just enough for the worst case).

Datapath, per lane k unless noted (cell counts are for one lane):
  1. Field split. The paper's vconv ({1,m} normal, {m,0} denormal) is built in the
     equivalent form used by FP hardware: magnitude {normal, m} with effective exponent
     e' = max(exp, 1) (4 cells, no 11-bit mux). For a denormal lane {m,0} >> (M - 0)
     equals m >> (M - 1) whenever max_exp M >= 1. Only when the whole group is denormal
     (M = 0) do the paper's integers come out twice ours; a group-wide flag (any lane
     normal) doubles acc by a 1-bit shift mux and clears bit 0 of max_exp, so the outputs
     are the paper's integers bit for bit.
  2. Max exponent: MSB-first elimination over the group (per bit an OR tree over the
     still-candidate lanes; a lane drops out at the first bit where it has 0 and the max 1).
  3. Shift amount: ~(max' - e'_k) = e'_k + ~max' (5-bit adder); the inverted amount only
     swaps mux inputs.
  4. Barrel shifter (round toward zero: dropped bits are discarded): stages 8 (merged
     with the >= 16 zeroing), 4, 2, 1 of aoi21+and2 muxes alternating polarity.
  5. Conditional negate folded into the adders: mx = m ^ sign (11 xor2), and
     value = mx + sign - sign * 2^11 enters the column sums as bits and constants.
  6. acc = dot - vsum*z: one Dadda tree over all partial products mx_i & w_j, the sign
     corrections and the bits of -(vsum & z_j) << j; vsum has its own tree (the paper's
     alignment unit computes it once and shares it). Ripple-carry final adders.
  7. Scale: prod = (acc ^ sign_s) * |sig| + sign_s * |sig| (signed x unsigned Dadda
     multiplier); exp = max_exp + exp_s (6-bit ripple adder).
Every instance is in block "compute".
"""

from __future__ import annotations

import numpy as np

from romalayout.errors import InputError
from romalayout.gen.arith import ColumnSum, gates_nd, mux, mux_n, ripple_add, signed_bits
from romalayout.lunit import DEFAULT_GROUP, VCONV_MAX, ZERO_POINT_BITS, align, check_weight_bits, group_dot_exact
from romalayout.netlist import Netlist, NetlistBuilder
from romalayout.netlist.logic import LogicBuilder
from romalayout.sim import bits_to_int

BLOCK = "compute"
MAX_GROUP = 4096  # a sanity limit; every port then stays far below 63 bits (sim.bits_to_int)
EXP_OUT_BITS = 6  # max_exp + exp_s <= 60
MAX_EXP_BITS = 5
MANT_BITS = 10


def check_params(group, weight_bits, lanes) -> tuple[int, int, int]:
    """Validate (group, weight_bits, lanes); return them as ints (lanes None -> group)."""
    if isinstance(group, bool) or not isinstance(group, (int, np.integer)) or not 1 <= group <= MAX_GROUP:
        raise InputError("group must be an integer in 1..%d, got %r" % (MAX_GROUP, group))
    weight_bits = check_weight_bits(weight_bits)
    if lanes is None:
        lanes = group
    if lanes != group:
        # max_exp is needed before any lane can be shifted, so a time-multiplexed cell
        # needs a two-pass sequencer and accumulator registers; the combinational
        # simulator cannot check that, so only the fully parallel cell is built.
        raise InputError("lanes must equal group (%d) for the combinational compute cell, got %r" % (group, lanes))
    return int(group), weight_bits, int(lanes)


def output_widths(group: int, weight_bits: int) -> dict[str, int]:
    """Bit widths of the output ports: the worst case of each quantity, signed where needed."""
    group, weight_bits, _ = check_params(group, weight_bits, None)
    wz = max((1 << ZERO_POINT_BITS) - 1, (1 << weight_bits) - 1)  # max |w - z|
    acc = group * VCONV_MAX * wz
    return {
        "acc": signed_bits(acc),
        "prod": signed_bits(acc * VCONV_MAX),
        "exp": EXP_OUT_BITS,
        "vsum": signed_bits(group * VCONV_MAX),
        "max_exp": MAX_EXP_BITS,
    }


def _or(lb, nets):
    return lb.reduce("or2", "or3", "or4", nets, BLOCK)


def _alignment(lb: LogicBuilder, x: np.ndarray):
    """Steps 1-5 for all lanes: returns (mx (G, 11), sign (G,), max_exp (5,), any_normal)."""
    g = lambda role, **kw: gates_nd(lb, role, BLOCK, **kw)  # noqa: E731
    mant, e, sign = x[:, :MANT_BITS], x[:, MANT_BITS:15], x[:, 15]
    # 1. normal = exp != 0; e' = max(exp, 1) only changes bit 0.
    hi = g("or4", A=e[:, 1], B=e[:, 2], C=e[:, 3], D=e[:, 4])["Y"]
    normal = g("or2", A=hi, B=e[:, 0])["Y"]
    e0 = g("or2", A=e[:, 0], B=g("inv", A=hi)["Y"])["Y"]
    ee = np.column_stack([e0, e[:, 1:]])
    any_normal = _or(lb, normal)
    # 2. max' = max_k e'_k, MSB first; `alive` marks lanes still equal to the max so far.
    mx_bits = [None] * MAX_EXP_BITS
    alive = None
    for b in range(MAX_EXP_BITS - 1, -1, -1):
        t = ee[:, b] if alive is None else g("and2", A=alive, B=ee[:, b])["Y"]
        mx_bits[b] = _or(lb, t)
        if b:
            keep = g("or2", A=ee[:, b], B=lb.inv(mx_bits[b], BLOCK))["Y"]
            alive = keep if alive is None else g("and2", A=alive, B=keep)["Y"]
    max_eff = np.array(mx_bits, dtype=np.int64)
    max_exp = max_eff.copy()
    max_exp[0] = lb.and2(max_eff[0], any_normal, BLOCK)
    # 3. nsh = ~(max' - e') = e' + ~max' (mod 32); bit b high means "do not shift by 2^b".
    not_max = g("inv", A=max_eff)["Y"]
    nsh = ripple_add(lb, BLOCK, ee, np.broadcast_to(not_max, ee.shape), MAX_EXP_BITS)
    sh = g("inv", A=nsh[:, :4])["Y"]
    # 4. Barrel shifter on m = {normal, mant}. Stage 8 with zeroing for shifts >= 16.
    m = np.column_stack([mant, normal])
    keep8 = g("and2", A=nsh[:, 3], B=nsh[:, 4])["Y"]  # shift < 8
    take8 = g("and2", A=sh[:, 3], B=nsh[:, 4])["Y"]  # 8 <= shift < 16
    cur = np.empty_like(m)  # inverted polarity after this stage
    cur[:, :3] = mux_n(lb, BLOCK, keep8[:, None], take8[:, None], m[:, :3], m[:, 8:11])
    cur[:, 3:] = g("nand2", A=keep8[:, None], B=m[:, 3:])["Y"]
    inverted = True
    for b in (2, 1, 0):
        k = 1 << b
        keep, take = nsh[:, b][:, None], sh[:, b][:, None]
        nxt = np.empty_like(cur)
        nxt[:, : 11 - k] = mux_n(lb, BLOCK, keep, take, cur[:, : 11 - k], cur[:, k:])
        # The top k bits have nothing to shift in: keep them only when not shifting.
        top = cur[:, 11 - k :]
        if inverted:  # true output = keep & !top = nor(take, top)
            nxt[:, 11 - k :] = g("nor2", A=take, B=top)["Y"]
        else:
            nxt[:, 11 - k :] = g("nand2", A=keep, B=top)["Y"]
        cur, inverted = nxt, not inverted
    assert not inverted  # four stages: back to true polarity
    # 5. Sign: mx = m ^ sign; value = mx + sign - sign * 2^11.
    mx = g("xor2", A=cur, B=sign[:, None])["Y"]
    return mx, sign, max_exp, any_normal


def _vsum(lb, mx, sign, width):
    """vsum = sum_k (mx_k + sign_k - sign_k * 2^11) as `width` nets."""
    cs = ColumnSum(width)
    cs.add(mx)
    cs.add(sign[:, None])
    cs.add(lb.gates("inv", BLOCK, A=sign)["Y"][:, None], shift=11)  # -s*2^11 = !s*2^11 - 2^11
    cs.add_const(-(len(sign) << 11))
    return cs.build(lb, BLOCK)


def _acc(lb, mx, sign, w, vsum, z, width):
    """acc = sum_k value_k * w_k - vsum * z, in one column sum."""
    g = lambda role, **kw: gates_nd(lb, role, BLOCK, **kw)  # noqa: E731
    G, B = w.shape
    cs = ColumnSum(width)
    # value*w = sum_j 2^j [ sum_i (mx_i & w_j) 2^i + (s & w_j) - (s & w_j) 2^11 ]
    for j in range(B):
        cs.add(g("and2", A=mx, B=w[:, j][:, None])["Y"], shift=j)
        cs.add(g("and2", A=sign, B=w[:, j])["Y"][:, None], shift=j)
        cs.add(g("nand2", A=sign, B=w[:, j])["Y"][:, None], shift=11 + j)
        cs.add_const(-(G << (11 + j)))
    # -(vsum & z_j) * 2^j for a V-bit signed vsum: !t_i below the top, t_top at the top, +1 - 2^(V-1).
    V = len(vsum)
    for j in range(ZERO_POINT_BITS):
        low = g("nand2", A=vsum[: V - 1], B=z[j])["Y"]
        top = lb.and2(vsum[V - 1], z[j], BLOCK)
        cs.add(np.append(low, top)[None, :], shift=j)
        cs.add_const((1 - (1 << (V - 1))) << j)
    return cs.build(lb, BLOCK)


def _scale(lb, s):
    """(sign_s, |sig| as 11 nets, exp_s as 5 nets) with the paper's vconv for s."""
    mant, e, sign = s[:MANT_BITS], s[MANT_BITS:15], s[15]
    normal = _or(lb, e)
    normal_n = lb.inv(normal, BLOCK)
    mid = mux(lb, BLOCK, normal, normal_n, mant[1:], mant[:-1])  # bits 1..9
    bit0 = lb.and2(normal, mant[0], BLOCK)
    bit10 = lb.or2(normal, mant[MANT_BITS - 1], BLOCK)
    return sign, np.concatenate([[bit0], mid, [bit10]]), e


def _product(lb, acc, sign_s, mag, width):
    """prod = (-1)^sign_s * acc * mag = (acc ^ sign_s) * mag + sign_s * mag (signed x unsigned)."""
    g = lambda role, **kw: gates_nd(lb, role, BLOCK, **kw)  # noqa: E731
    A = len(acc)
    a = g("xor2", A=acc, B=sign_s)["Y"]
    cs = ColumnSum(width)
    for j, mj in enumerate(mag.tolist()):
        cs.add(g("and2", A=a[: A - 1], B=mj)["Y"][None, :], shift=j)
        cs.add([lb.gate("nand2", BLOCK, A=int(a[A - 1]), B=mj)], shift=A - 1 + j)
        cs.add_const(-(1 << (A - 1 + j)))
    cs.add(g("and2", A=mag, B=sign_s)["Y"][None, :])
    return cs.build(lb, BLOCK)


def generate(tech, group: int = DEFAULT_GROUP, weight_bits: int = 2, lanes: int | None = None) -> Netlist:
    """The compute cell for one group of `group` activations and `weight_bits`-bit weights.

    lanes must be None or equal to group: the cell is one combinational datapath for the
    whole group (max_exp must be known before any lane is shifted, so a narrower
    time-multiplexed cell would need registers and a two-pass sequencer)."""
    group, weight_bits, lanes = check_params(group, weight_bits, lanes)
    widths = output_widths(group, weight_bits)
    nb = NetlistBuilder("compute")
    lb = LogicBuilder(nb, tech)
    x = nb.new_nets(16 * group).reshape(group, 16)
    w = nb.new_nets(weight_bits * group).reshape(group, weight_bits)
    z = nb.new_nets(ZERO_POINT_BITS)
    s = nb.new_nets(16)
    for name, nets in (("x", x), ("w", w), ("z", z), ("s", s)):
        nb.add_port(name, "input", nets.ravel())

    mx, sign, max_exp, any_normal = _alignment(lb, x)
    vsum_eff = _vsum(lb, mx, sign, widths["vsum"])
    acc_eff = _acc(lb, mx, sign, w, vsum_eff, z, widths["acc"])
    # All-denormal group: the paper's integers are twice the effective-exponent ones.
    an_n = lb.inv(any_normal, BLOCK)
    vsum = np.concatenate([[lb.and2(any_normal, int(vsum_eff[0]), BLOCK)], mux(lb, BLOCK, any_normal, an_n, vsum_eff[1:], vsum_eff[:-1])])
    acc = np.concatenate([[lb.and2(any_normal, int(acc_eff[0]), BLOCK)], mux(lb, BLOCK, any_normal, an_n, acc_eff[1:], acc_eff[:-1])])
    sign_s, mag_s, exp_s = _scale(lb, s)
    prod = _product(lb, acc, sign_s, mag_s, widths["prod"])
    exp = ripple_add(lb, BLOCK, max_exp[None, :], exp_s[None, :], EXP_OUT_BITS)[0]

    for name, nets in (("acc", acc), ("prod", prod), ("exp", exp), ("vsum", vsum), ("max_exp", max_exp)):
        nb.add_port(name, "output", nets)
    nb.attributes.update({"kind": "compute", "pdk": tech.name, "group": group, "weight_bits": weight_bits, "lanes": lanes})
    return nb.build()


# -- test-vector helpers: numpy values <-> port bit matrices ---------------------------------


def _fp16_bits(a) -> np.ndarray:
    a = np.asarray(a)
    if a.dtype == np.float16:
        return a.view(np.uint16)
    if a.dtype == np.uint16:
        return a
    raise InputError("FP16 inputs must be float16 or uint16 bit patterns, got dtype %s" % a.dtype)


def _unsigned_bits(v: np.ndarray, width: int) -> np.ndarray:
    v = np.asarray(v, dtype=np.int64)
    return ((v[..., None] >> np.arange(width)) & 1).astype(bool)


def input_vectors(x, w, z, s, weight_bits: int) -> dict[str, np.ndarray]:
    """Simulator inputs for N vectors: x (N, G) FP16, w (N, G) uint, z (N,), s (N,) FP16."""
    xb = _fp16_bits(x).astype(np.int64)
    n, group = xb.shape
    return {
        "x": _unsigned_bits(xb, 16).reshape(n, 16 * group),
        "w": _unsigned_bits(np.asarray(w), weight_bits).reshape(n, weight_bits * group),
        "z": _unsigned_bits(np.asarray(z), ZERO_POINT_BITS),
        "s": _unsigned_bits(_fp16_bits(s).astype(np.int64), 16),
    }


def decode_outputs(outputs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Simulator outputs -> int64 per port, two's complement decoded for acc, prod, vsum."""
    res = {}
    for name, bits in outputs.items():
        v = bits_to_int(bits)
        if name in ("acc", "prod", "vsum"):
            width = bits.shape[1]
            v = np.where(v >= (1 << (width - 1)), v - (1 << width), v)
        res[name] = v
    return res


def expected_outputs(x, w, z, s, weight_bits: int) -> dict[str, np.ndarray]:
    """What the cell's ports must hold, from the numpy model (romalayout.lunit)."""
    acc, sig, exponent = group_dot_exact(x, w, z, s, weight_bits)
    _, max_exp, vsum = align(x)
    return {"acc": acc, "prod": acc * sig, "exp": exponent + 50, "vsum": vsum, "max_exp": max_exp}


__all__ = ["check_params", "decode_outputs", "expected_outputs", "generate", "input_vectors", "output_widths"]

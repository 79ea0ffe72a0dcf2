"""`romalayout pdk list | show NAME [--json]`."""

from __future__ import annotations

import json

from romalayout.tech import available_pdks, load_technology


def register(sub) -> None:
    p = sub.add_parser("pdk", help="list and show technology data")
    psub = p.add_subparsers(dest="pdk_command", metavar="ACTION")
    psub.required = True
    pl = psub.add_parser("list", help="list available PDKs")
    pl.set_defaults(func=_list)
    ps = psub.add_parser("show", help="show one PDK's data")
    ps.add_argument("name", help="PDK name (see `romalayout pdk list`)")
    ps.add_argument("--json", action="store_true", help="print the full data as one JSON object")
    ps.set_defaults(func=_show)


def _list(args) -> int:
    for name in available_pdks():
        t = load_technology(name)
        print("%-8s %-20s %s" % (name, t.library, t.description))
    return 0


def summary_text(tech) -> str:
    """A human-readable summary of a Technology."""
    lines = [
        "%s: %s (%s)" % (tech.name, tech.library, tech.description),
        "GDS database units: %d per um" % tech.dbu_per_um,
        "site %s: %.4g x %.4g um" % (tech.site_name, tech.site_width_um, tech.site_height_um),
        "VDD %.3g V; %d standard cells" % (tech.vdd_v, len(tech.cells)),
        "",
        "metal  dir         pitch_um  width_um  spacing_um  gds",
    ]
    for m in tech.metals:
        lines.append("%-6s %-11s %-9.4g %-9.4g %-11.4g %d/%d" % (m.name, m.direction, m.pitch_um, m.width_um, m.spacing_um, *m.gds))
    lines.append("")
    lines.append("base layers: " + ", ".join("%s=%s %d/%d" % (r, b.name, *b.gds) for r, b in sorted(tech.base_layers.items())))
    lines.append("SRAM 6T bitcell: %.6g um^2 (%s)" % (tech.sram6t_um2, tech.sram6t_cell))
    lines.append("ROM bitcell: %.6g um^2 (%s)" % (tech.rom_bitcell.area_um2, tech.rom_bitcell.derivation))
    lines.append("")
    lines.append("role     cell                          width_um  transistors")
    for role in sorted(tech.roles):
        c = tech.role_cell(role)
        lines.append("%-8s %-29s %-9.4g %d" % (role, c.name, c.width_um, c.transistors))
    return "\n".join(lines)


def _show(args) -> int:
    tech = load_technology(args.name)
    if args.json:
        print(json.dumps(tech.to_json(), indent=1, sort_keys=True))
    else:
        print(summary_text(tech))
    return 0

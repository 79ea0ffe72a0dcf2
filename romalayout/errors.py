"""One exception family. Messages name the offending value and what was expected."""


class RomalayoutError(Exception):
    """Base of every error romalayout reports to a user (CLI exit status 2)."""


class TechnologyError(RomalayoutError):
    """PDK data is missing, malformed or unknown."""


class InputError(RomalayoutError):
    """A user-supplied value (option, contents file, parameter) is invalid."""


class NetlistError(RomalayoutError):
    """A netlist is structurally wrong (bad net index, pin count, ...)."""

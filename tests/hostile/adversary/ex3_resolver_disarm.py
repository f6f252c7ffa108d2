# Route: pkgutil.resolve_name reaches any object by a dotted string (no import statement, no
# private name in the source), then the shared disarm below.
import operator
import pkgutil


def find(dotted):
    module, _, rest = dotted.partition(".")
    try:
        obj = pkgutil.resolve_name(module)
        return operator.attrgetter(rest)(obj) if rest else obj
    except BaseException:
        return None

# Route: only `import torch`. torch's own module attributes lead everywhere: torch.sys is sys,
# torch.functional.operator is operator, whose attrgetter reaches private names from strings (no
# getattr, no private attribute in the source). Then the shared disarm below.
import torch

operator = torch.functional.operator


def find(dotted):
    module, _, rest = dotted.partition(".")
    obj = torch.sys.modules.get(module)
    if obj is None:
        return None
    try:
        return operator.attrgetter(rest)(obj) if rest else obj
    except Exception:
        return None

"""A reference solution of week 1, "Derivatives: from rise over run to the rules"."""


def rise_over_run(f, x, h):
    return (f(x + h) - f(x)) / h


def central_difference(f, x, h):
    return (f(x + h) - f(x - h)) / (2 * h)


def d_product():
    # d/dx [x³ cos(x)]: the product rule, (uv)′ = u′v + uv′
    return "3x^2 cos(x) - x^3 sin(x)"


def d_chain():
    # d/dx [exp(sin(2x))]: exp′ at sin(2x), times sin′ at 2x, times (2x)′
    return "exp(sin(2x)) * cos(2x) * 2"

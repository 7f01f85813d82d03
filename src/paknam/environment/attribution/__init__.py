"""Source attribution, pure: where high air pollution comes from
(:mod:`paknam.environment.attribution.air`) and where along the canals water quality drops
(:mod:`paknam.environment.attribution.water`). No I/O, no database; the store side is in
:mod:`paknam.environment.service`. Errors are in :mod:`paknam.environment.errors`.
"""

"""``learner-wallet --demo``: a throwaway wallet filled with signed example credentials.

A newcomer sees every feature at once: a complete course (inside a CLR transcript with
its associations), a nearly complete certificate, competency badges at three levels
(two of them baked into badge pictures, one PNG and one SVG), a credential that came as
a signed token (``vc+jwt``), an endorsement (standalone and embedded), an expired
credential, a revoked one and one the issuer's status list says is not revoked, one
from an issuer whose key cannot be had offline, so the views show why something does
not count, and two stack definitions, one of them published as a signed credential.

:mod:`.issuer` builds and signs the credentials, :mod:`.pictures` draws the badge
pictures and bakes credentials into them, :mod:`.fill` puts it all in a wallet.
"""

from __future__ import annotations

from wallet.demo.fill import DemoContents, create_demo_wallet, fill_demo_wallet
from wallet.demo.issuer import DemoIssuer, DemoKey, load_catalogue, load_keys

__all__ = ["DemoContents", "DemoIssuer", "DemoKey", "create_demo_wallet", "fill_demo_wallet", "load_catalogue",
           "load_keys"]

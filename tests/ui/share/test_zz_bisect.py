from tests.ui.share.test_share_ui import decode_widget, tick, page, held  # noqa
from wallet import qr, bundle_check

def test_zz4(qtbot, page) -> None:
    tick(page, 0, 2)
    with qtbot.waitSignal(page.signed, timeout=20_000):
        page.sign_button.click()
    for _ in range(page.codes.count()):
        decode_widget(page.codes.code)
        page.codes.next_button.click()

def test_zz5(qtbot, page) -> None:
    tick(page, 0, 2)
    with qtbot.waitSignal(page.signed, timeout=20_000):
        page.sign_button.click()
    bundle_check.check(page.flow.shared.presentation)

def test_zz6(qtbot, page) -> None:
    for _ in range(4):
        decode_widget(page.codes.code)

"""The cabinet's letters, in Ukrainian, each as plain text and HTML.

Every value put into the HTML part is escaped: organisation names and feedback come from users.
"""

from __future__ import annotations

from html import escape

from adapter.mail.message import Message

CABINET = "Кабінет юридичного споживача"
SIGNATURE = "З повагою,\nслужба підтримки «Кабінету юридичного споживача»"


def _message(to: str, subject: str, paragraphs: list[str], link: str | None = None,
             button: str = "") -> Message:
    text_parts = [*paragraphs]
    if link:
        text_parts.append(f"{button}: {link}")
    text = "\n\n".join([*text_parts, SIGNATURE]) + "\n"
    html_parts = [f"<p>{escape(p)}</p>" for p in paragraphs]
    if link:
        html_parts.append(f'<p><a href="{escape(link)}">{escape(button)}</a></p>'
                          f"<p>Якщо посилання не відкривається, скопіюйте його в адресний "
                          f"рядок браузера:<br>{escape(link)}</p>")
    html_parts.append("<p>" + escape(SIGNATURE).replace("\n", "<br>") + "</p>")
    html = ('<!doctype html><html lang="uk"><head><meta charset="utf-8">'
            f"<title>{escape(subject)}</title></head><body>{''.join(html_parts)}</body></html>")
    return Message(to=to, subject=f"{subject} — {CABINET}", text=text, html=html)


def confirmation(to: str, *, organisation: str, contract: str, link: str, hours: int) -> Message:
    """Sent after registration: the link that activates the account."""
    return _message(to, "Підтвердження реєстрації", [
        f"Ви зареєстрували «{CABINET}» для організації {organisation} (договір {contract}).",
        f"Щоб активувати обліковий запис, перейдіть за посиланням протягом {hours} год. "
        "Посилання діє один раз. Ваш логін — номер договору.",
        "Якщо Ви не реєструвалися, просто проігноруйте цей лист.",
    ], link, "Підтвердити реєстрацію")


def password_reset(to: str, *, link: str, minutes: int) -> Message:
    """Sent on "forgot password": the link to set a new one."""
    return _message(to, "Відновлення пароля", [
        "Ми отримали запит на відновлення пароля до Вашого облікового запису.",
        f"Щоб задати новий пароль, перейдіть за посиланням протягом {minutes} хв. "
        "Посилання діє один раз.",
        "Якщо Ви не надсилали запит, проігноруйте цей лист: пароль залишиться незмінним.",
    ], link, "Задати новий пароль")


def invitation(to: str, *, organisation: str, contract: str, inviter: str, link: str,
               hours: int) -> Message:
    """Sent to a colleague invited by the organisation's owner."""
    return _message(to, "Запрошення до кабінету", [
        f"{inviter} запрошує Вас працювати в «{CABINET}» організації {organisation} "
        f"(договір {contract}).",
        f"Щоб прийняти запрошення, перейдіть за посиланням протягом {hours} год і задайте "
        "свій пароль. Входьте потім зі своєю адресою електронної пошти.",
    ], link, "Прийняти запрошення")


def email_change(to: str, *, link: str, hours: int) -> Message:
    """Sent to the new address: confirming it belongs to the user."""
    return _message(to, "Підтвердження нової адреси", [
        "У «Кабінеті юридичного споживача» вказали цю адресу як нову адресу облікового запису.",
        f"Щоб підтвердити її, перейдіть за посиланням протягом {hours} год.",
        "Якщо це були не Ви, проігноруйте цей лист.",
    ], link, "Підтвердити адресу")


def email_change_notice(to: str, *, new_email: str) -> Message:
    """Sent to the old address so a hijacked session cannot quietly take over the account."""
    return _message(to, "Запит на зміну адреси", [
        f"Для Вашого облікового запису запитано зміну адреси на {new_email}.",
        "Якщо це були не Ви, негайно змініть пароль і зверніться до ОСР.",
    ])


def feedback(to: str, *, name: str, email: str, contract: str, subject: str,
             message: str, feedback_id: int) -> Message:
    """A feedback form message forwarded to the DSO's address."""
    return _message(to, f"Зворотний зв'язок №{feedback_id}: {subject}", [
        f"Від: {name} <{email}>" + (f", договір {contract}" if contract else ""),
        f"Тема: {subject}",
        message,
    ])

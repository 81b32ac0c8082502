"""clean_message: a raw client message (text or bytes, plain or HTML) to its newest part."""

from __future__ import annotations

import dataclasses
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scopeline.core.triage.text import NOTES, CleanMessage, clean_message

# ---------------------------------------------------------------------------------------------
# Helpers


def assert_invariants(result: CleanMessage, max_chars: int) -> None:
    text = result.text
    assert isinstance(text, str)
    assert len(text) <= max_chars
    assert text == text.strip()
    assert all(c in "\n\t" or unicodedata.category(c) != "Cc" for c in text)
    assert "\r" not in text
    assert "\n\n\n" not in text
    assert "  " not in text
    assert unicodedata.is_normalized("NFC", text)
    assert result.truncated == ("truncated" in result.notes)
    assert len(set(result.notes)) == len(result.notes)
    assert list(result.notes) == [n for n in NOTES if n in result.notes]


# ---------------------------------------------------------------------------------------------
# Plain-text replies in the five languages, as mail clients quote them

EN_GMAIL = """Hi Maria,

The homepage looks great! Could you also add a members-only area where our
dealers can log in and download price lists?

Thanks,
Sam

On Mon, 3 Nov 2026 at 10:12, Maria Virtanen <maria@studionorth.fi> wrote:
> Hi Sam,
>
> Here is the second revision of the homepage.
>
> Best,
> Maria
"""

EN_OUTLOOK = """Hello Maria,

We need the site live by Friday instead of the 15th. Please confirm.

Regards,
Sam Carter
Marketing Manager | Acme Ltd

________________________________
From: Maria Virtanen <maria@studionorth.fi>
Sent: Monday, November 3, 2026 10:12 AM
To: Sam Carter <sam@acme.co.uk>
Subject: RE: Website timeline

Hi Sam, the launch is planned for 15 December as agreed.
"""

EN_OUTLOOK_ORIGINAL = """Can we get a 20% discount on the remaining invoice?

-----Original Message-----
From: Maria Virtanen [mailto:maria@studionorth.fi]
Sent: Monday, November 3, 2026 10:12 AM
Subject: Invoice 2026-014
"""

EN_APPLE = """Looks good, approved!

Sent from my iPhone

> On 3 Nov 2026, at 10:12, Maria Virtanen <maria@studionorth.fi> wrote:
>
> Hi Sam, please find the final logo attached.
"""

FI_GMAIL = """Hei Maria,

lisätkää sivustolle jäsenrekisteröinti, muuten emme maksa loppuerää.

Terveisin
Matti

ma 3.11.2026 klo 10.12 Maria Virtanen <maria@studionorth.fi> kirjoitti:

> Hei Matti,
> tässä hyväksyttäväksi valmis sivusto.
"""

FI_OUTLOOK = """Hei,

Voisitteko vaihtaa etusivun kuvan toiseen?

Ystävällisin terveisin
Liisa Korhonen

Lähettäjä: Maria Virtanen <maria@studionorth.fi>
Lähetetty: maanantai 3. marraskuuta 2026 10.12
Vastaanottaja: Liisa Korhonen <liisa@acme.fi>
Aihe: Etusivu
"""

FI_ORIGINAL = """Kiitos, hyväksyn tämän version.

-----Alkuperäinen viesti-----
Lähettäjä: Maria Virtanen <maria@studionorth.fi>
Lähetetty: 3. marraskuuta 2026 10.12
"""

FI_APPLE = """Voisiko logoa suurentaa vähän?

Lähetetty iPhonesta

> Maria Virtanen <maria@studionorth.fi> kirjoitti 3.11.2026 kello 10.12:
>
> Tässä uusi logoehdotus.
"""

RO_GMAIL = """Bună ziua,

Puteți reduce prețul cu 20%? Bugetul nostru s-a micșorat.

Mulțumesc,
Andrei

Pe lun., 3 nov. 2026 la 10:12, Maria Popescu <maria@studio.ro> a scris:
> Bună ziua, atașat găsiți factura.
"""

RO_OUTLOOK = """Bună,

Site-ul nu se afișează corect pe telefon, meniul nu se deschide.

Andrei

De la: Maria Popescu <maria@studio.ro>
Trimis: luni, 3 noiembrie 2026 10:12
Către: Andrei Ionescu <andrei@client.ro>
Subiect: Versiunea finală
"""

RO_ORIGINAL = """Vă rog să adăugați și un magazin online.

Trimis de pe iPhone

-----Mesaj original-----
De la: Maria Popescu <maria@studio.ro>
"""

ZH_HANS_GMAIL = """你好，

我们还需要再加三个设计方案，请尽快安排。

谢谢！

Maria Chen <maria@studio.cn> 于2026年11月3日周一 10:12写道：

> 王先生您好，附件是三个设计方案。
"""

ZH_HANS_QQ = """你好，

网站能不能加一个会员登录功能？不然我们不付尾款。

王明



------------------ 原始邮件 ------------------
发件人: "Maria"<maria@studio.cn>;
发送时间: 2026年11月3日(星期一) 上午10:12
收件人: "王明"<wangming@qq.com>;
主题: 网站验收
"""

ZH_HANS_OUTLOOK = """请问首页的轮播图什么时候能改好？

从我的iPhone发送

-----原始邮件-----
发件人：Maria Chen <maria@studio.cn>
发送时间：2026年11月3日 10:12
"""

ZH_HANT_GMAIL = """您好：

第五個概念還是不對，請再做兩個新的方向。

謝謝！
陳先生

Maria Lin <maria@studio.tw> 於 2026年11月3日 週一 上午10:12寫道：

> 陳先生您好，附上第五個概念。
"""

ZH_HANT_OUTLOOK = """網站很好，我們確認驗收。

從我的 iPhone 傳送

寄件者: Maria Lin <maria@studio.tw>
寄件日期: 2026年11月3日 上午 10:12
收件者: 陳先生 <chen@client.tw>
主旨: 驗收
"""

ZH_HANT_ORIGINAL = """請把價格降到八折。

-----原始郵件-----
寄件者: Maria Lin <maria@studio.tw>
"""


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param(
            EN_GMAIL,
            "Hi Maria,\n\nThe homepage looks great! Could you also add a members-only area where"
            " our\ndealers can log in and download price lists?\n\nThanks,\nSam",
            id="en-gmail",
        ),
        pytest.param(
            EN_OUTLOOK,
            "Hello Maria,\n\nWe need the site live by Friday instead of the 15th. Please confirm."
            "\n\nRegards,\nSam Carter\nMarketing Manager | Acme Ltd",
            id="en-outlook",
        ),
        pytest.param(
            EN_OUTLOOK_ORIGINAL,
            "Can we get a 20% discount on the remaining invoice?",
            id="en-original-message",
        ),
        pytest.param(
            FI_GMAIL,
            "Hei Maria,\n\nlisätkää sivustolle jäsenrekisteröinti, muuten emme maksa loppuerää."
            "\n\nTerveisin\nMatti",
            id="fi-gmail",
        ),
        pytest.param(
            FI_OUTLOOK,
            "Hei,\n\nVoisitteko vaihtaa etusivun kuvan toiseen?\n\nYstävällisin terveisin\n"
            "Liisa Korhonen",
            id="fi-outlook",
        ),
        pytest.param(FI_ORIGINAL, "Kiitos, hyväksyn tämän version.", id="fi-alkuperainen"),
        pytest.param(
            RO_GMAIL,
            "Bună ziua,\n\nPuteți reduce prețul cu 20%? Bugetul nostru s-a micșorat.\n\n"
            "Mulțumesc,\nAndrei",
            id="ro-gmail",
        ),
        pytest.param(
            RO_OUTLOOK,
            "Bună,\n\nSite-ul nu se afișează corect pe telefon, meniul nu se deschide.\n\nAndrei",
            id="ro-outlook",
        ),
        pytest.param(
            ZH_HANS_GMAIL,
            "你好，\n\n我们还需要再加三个设计方案，请尽快安排。\n\n谢谢！",
            id="zh-hans-gmail",
        ),
        pytest.param(
            ZH_HANS_QQ,
            "你好，\n\n网站能不能加一个会员登录功能？不然我们不付尾款。\n\n王明",
            id="zh-hans-qq",
        ),
        pytest.param(
            ZH_HANT_GMAIL,
            "您好：\n\n第五個概念還是不對，請再做兩個新的方向。\n\n謝謝！\n陳先生",
            id="zh-hant-gmail",
        ),
        pytest.param(ZH_HANT_ORIGINAL, "請把價格降到八折。", id="zh-hant-original"),
    ],
)
def test_quoted_history_is_removed(raw: str, expected: str) -> None:
    result = clean_message(raw)
    assert result.text == expected
    assert result.notes == ("quoted-history-removed",)
    assert result.original_length == len(raw)
    assert not result.truncated
    assert_invariants(result, 4000)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param(EN_APPLE, "Looks good, approved!", id="en-apple-iphone"),
        pytest.param(FI_APPLE, "Voisiko logoa suurentaa vähän?", id="fi-apple-iphone"),
        pytest.param(RO_ORIGINAL, "Vă rog să adăugați și un magazin online.", id="ro-iphone"),
        pytest.param(ZH_HANS_OUTLOOK, "请问首页的轮播图什么时候能改好？", id="zh-hans-iphone"),
        pytest.param(ZH_HANT_OUTLOOK, "網站很好，我們確認驗收。", id="zh-hant-iphone"),
    ],
)
def test_mobile_footer_and_quote_are_removed(raw: str, expected: str) -> None:
    result = clean_message(raw)
    assert result.text == expected
    assert result.notes == ("quoted-history-removed", "signature-removed")
    assert_invariants(result, 4000)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        pytest.param(
            "On Mon, Nov 3, 2026 at 10:12 AM Maria Virtanen <",
            "maria@studionorth.fi> wrote:",
            id="en-gmail-wrapped-address",
        ),
        pytest.param(
            "On Mon, Nov 3, 2026 at 10:12 AM",
            "Maria Virtanen <maria@studionorth.fi> wrote:",
            id="en-wrapped-after-time",
        ),
        pytest.param(
            "ma 3.11.2026 klo 10.12 Maria Virtanen (maria@studionorth.fi)",
            "kirjoitti:",
            id="fi-wrapped",
        ),
        pytest.param(
            "Pe lun., 3 nov. 2026 la 10:12, Maria Popescu <maria@studio.ro>",
            "a scris:",
            id="ro-wrapped",
        ),
        pytest.param(
            "Maria Chen <maria@studio.cn> 于2026年11月3日周一",
            "10:12写道：",
            id="zh-hans-wrapped",
        ),
    ],
)
def test_attribution_wrapped_over_two_lines(first: str, second: str) -> None:
    raw = f"Please add a contact form.\n\n{first}\n{second}\n\n> Hello,\n> the draft is ready.\n"
    result = clean_message(raw)
    assert result.text == "Please add a contact form."
    assert result.notes == ("quoted-history-removed",)


def test_attribution_wrapped_without_blank_line_before_it() -> None:
    raw = "Thanks!\nOn Mon, Nov 3, 2026 at 10:12 AM Sam Smith <\nsam@example.com> wrote:\n> x"
    assert clean_message(raw).text == "Thanks!"


def test_outlook_header_on_one_line() -> None:
    raw = "Approved.\n\nFrom: Maria <maria@studionorth.fi> Sent: Monday, 3 November 2026 10:12"
    result = clean_message(raw)
    assert result.text == "Approved."
    assert result.notes == ("quoted-history-removed",)


def test_words_like_from_and_to_in_the_message_are_kept() -> None:
    raw = "Please change the price table:\nFrom: 10 pages\nTo: 12 pages\nThanks, Sam"
    result = clean_message(raw)
    assert result.text == raw
    assert result.notes == ()


def test_a_sentence_ending_in_wrote_is_kept() -> None:
    raw = "In 2024 our old designer wrote:\nthe logo must stay blue.\nCan you keep that?"
    assert clean_message(raw).text == raw


def test_message_that_is_only_a_quote_is_kept() -> None:
    raw = "On Mon, 3 Nov 2026 at 10:12, Sam <sam@example.com> wrote:\n> Please add a login page."
    result = clean_message(raw)
    assert result.text == raw
    assert result.notes == ()


def test_forwarded_original_message_alone_is_kept() -> None:
    raw = "-----Original Message-----\nFrom: Sam <sam@x.com>\nSent: Monday\n\nAdd a shop, please."
    assert clean_message(raw).text == raw


def test_bottom_posted_reply_follows_the_quote() -> None:
    raw = (
        "On Mon, 3 Nov 2026 at 10:12, Maria <maria@studionorth.fi> wrote:\n"
        "> Shall I add the news section?\n"
        ">\n"
        "> Maria\n"
        "\n"
        "Yes please, and a newsletter sign-up too.\n"
        "\n"
        "> Anything else?\n"
        "No."
    )
    result = clean_message(raw)
    assert result.text == "Yes please, and a newsletter sign-up too."
    assert result.notes == ("quoted-history-removed",)


# ---------------------------------------------------------------------------------------------
# Signatures


def test_signature_delimiter_with_space() -> None:
    raw = "Can you make the logo bigger?\n\n-- \nSam Carter\nAcme Ltd | +44 20 7946 0000"
    result = clean_message(raw)
    assert result.text == "Can you make the logo bigger?"
    assert result.notes == ("signature-removed",)


def test_signature_delimiter_without_space() -> None:
    raw = "Lisätkää uutissivu.\n--\nMatti Virtanen\nAcme Oy"
    assert clean_message(raw).text == "Lisätkää uutissivu."


def test_short_sign_off_is_part_of_the_message() -> None:
    raw = "Please fix the broken contact form.\n\nThanks, Sam"
    result = clean_message(raw)
    assert result.text == raw
    assert result.notes == ()


@pytest.mark.parametrize(
    "footer",
    [
        "Sent from my iPhone",
        "Sent from my Samsung Galaxy smartphone.",
        "Sent from Outlook for Android",
        "Get Outlook for iOS",
        "Lähetetty iPhonesta",
        "Lähetetty Android-laitteesta",
        "Trimis de pe iPhone",
        "Trimis de pe telefonul meu Samsung",
        "从我的iPhone发送",
        "发自我的iPhone",
        "從我的 iPhone 傳送",
    ],
)
def test_mobile_footers(footer: str) -> None:
    result = clean_message(f"OK, go ahead.\n\n{footer}")
    assert result.text == "OK, go ahead."
    assert result.notes == ("signature-removed",)


@pytest.mark.parametrize(
    "line",
    [
        "Sent via DHL yesterday",
        "Lähetetty tänään Helsingistä",
        "Trimis din greșeală",
        "发自内心感谢！",
    ],
)
def test_lines_that_only_look_like_footers_are_kept(line: str) -> None:
    raw = f"The contract is signed.\n\n{line}\n\nPlease start on Monday."
    assert clean_message(raw).text == raw


def test_message_that_is_only_a_footer_is_kept() -> None:
    assert clean_message("Sent from my iPhone").text == "Sent from my iPhone"


# ---------------------------------------------------------------------------------------------
# HTML bodies

GMAIL_HTML = """<div dir="ltr"><div>Hi Maria,</div><div><br></div><div>Could you add a
 &quot;Careers&quot; page &amp; a job form? We&#8217;d like it before the launch&nbsp;&#x1F642;
</div><div><br></div><div>Thanks,</div><div>Sam</div></div><br><div class="gmail_quote
gmail_quote_container"><div dir="ltr" class="gmail_attr">On Mon, 3 Nov 2026 at 10:12, Maria
 Virtanen &lt;<a href="mailto:maria@studionorth.fi">maria@studionorth.fi</a>&gt; wrote:<br>
</div><blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex">Hi Sam,<br>
<blockquote>Earlier: the sitemap is attached.</blockquote>Here is revision two.
</blockquote></div>
"""

OUTLOOK_HTML = """<html xmlns:o="urn:schemas-microsoft-com:office:office"><head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<style><!-- p.MsoNormal {margin:0cm;} --></style></head>
<body lang="FI"><div class="WordSection1">
<p class="MsoNormal">Hei Maria,<o:p></o:p></p>
<p class="MsoNormal"><o:p>&nbsp;</o:p></p>
<p class="MsoNormal">Voisitteko lis&auml;t&auml; verkkokaupan? Muuten emme maksa.<o:p></o:p></p>
<p class="MsoNormal">Matti<o:p></o:p></p></div>
<div id="appendonsend"></div>
<hr style="display:inline-block;width:98%" tabindex="-1">
<div id="divRplyFwdMsg" dir="ltr"><font face="Calibri"><b>L&auml;hett&auml;j&auml;:</b>
 Maria Virtanen<br><b>L&auml;hetetty:</b> maanantai 3. marraskuuta 2026 10.12</font></div>
<div>Hei Matti, t&auml;ss&auml; lasku.</div>
</body></html>
"""

OUTLOOK_DESKTOP_HTML = """<html><body><div class=WordSection1>
<p class=MsoNormal>Bun&#259; ziua,<o:p></o:p></p>
<p class=MsoNormal>Pute&#539;i ad&#259;uga o pagin&#259; de contact?<o:p></o:p></p>
<div style='border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm'>
<p class=MsoNormal><b>De la:</b> Maria Popescu &lt;maria@studio.ro&gt;<br>
<b>Trimis:</b> luni, 3 noiembrie 2026 10:12<br><b>C&#259;tre:</b> Andrei<o:p></o:p></p>
</div><p class=MsoNormal>Bun&#259;, ata&#537;at factura.</p></div></body></html>
"""

APPLE_HTML = """<html><head><meta http-equiv="content-type" content="text/html; charset=utf-8">
</head><body dir="auto"><div dir="ltr">Approved, thank you!</div><div dir="ltr"><br></div>
<div dir="ltr">Sent from my iPhone</div><div dir="ltr"><br><blockquote type="cite">On 3 Nov
 2026, at 10:12, Maria Virtanen &lt;maria@studionorth.fi&gt; wrote:<br><br></blockquote></div>
<blockquote type="cite"><div dir="ltr">Final logo attached.</div></blockquote></body></html>
"""

QQ_HTML = """<div>您好，</div><div>请再给我们两个设计方案，三天内完成。</div><div>谢谢！</div>
<div><br></div><div><br></div><div style="font-size: 12px;font-family: Arial Narrow;padding:2px
 0 2px 0;">------------------&nbsp;原始邮件&nbsp;------------------</div><div
 style="font-size: 12px;background:#efefef;padding:8px;"><div><b>发件人:</b>&nbsp;"Maria"
&lt;maria@studio.cn&gt;;</div><div><b>发送时间:</b>&nbsp;2026年11月3日(星期一) 上午10:12</div>
</div><div><br></div>附件是三个方案。
"""


def test_gmail_html_with_entities_and_nested_blockquote() -> None:
    result = clean_message(GMAIL_HTML)
    assert result.text == (
        "Hi Maria,\n\n"
        'Could you add a "Careers" page & a job form? We\u2019d like it before the launch'
        " \U0001f642\n\nThanks,\nSam"
    )
    assert result.notes == ("html", "quoted-history-removed")
    assert result.original_length == len(GMAIL_HTML)


def test_outlook_web_html_cuts_at_the_reply_header() -> None:
    result = clean_message(OUTLOOK_HTML)
    assert result.text == "Hei Maria,\n\nVoisitteko lisätä verkkokaupan? Muuten emme maksa.\nMatti"
    assert result.notes == ("html", "quoted-history-removed")


def test_outlook_desktop_html_header_block() -> None:
    result = clean_message(OUTLOOK_DESKTOP_HTML)
    assert result.text == "Bună ziua,\nPuteți adăuga o pagină de contact?"
    assert result.notes == ("html", "quoted-history-removed")


def test_apple_mail_html() -> None:
    result = clean_message(APPLE_HTML)
    assert result.text == "Approved, thank you!"
    assert result.notes == ("html", "quoted-history-removed", "signature-removed")


def test_qq_mail_html() -> None:
    result = clean_message(QQ_HTML)
    assert result.text == "您好，\n请再给我们两个设计方案，三天内完成。\n谢谢！"
    assert result.notes == ("html", "quoted-history-removed")


def test_html_layout_becomes_lines() -> None:
    raw = (
        "<html><head><title>Mail</title><script>var x = '<p>no</p>';</script></head><body>"
        "<p>First paragraph.</p><p>Second<br>line</p><ul><li>one</li><li>two</li></ul>"
        "<table><tr><td>Pages</td><td>5</td></tr><tr><td>Price</td><td>4&nbsp;800 &euro;</td>"
        "</tr></table><style>p { color: red }</style><!-- a comment --></body></html>"
    )
    result = clean_message(raw)
    assert result.text == (
        "First paragraph.\n\nSecond\nline\n\none\ntwo\nPages 5\nPrice 4 800 \u20ac"
    )
    assert result.notes == ("html",)


def test_gmail_signature_block() -> None:
    raw = (
        '<div dir="ltr">Please send the invoice.<br clear="all"><br><span class="gmail_signature'
        '_prefix">-- </span><br><div dir="ltr" class="gmail_signature">Sam Carter<br>Acme</div>'
        "</div>"
    )
    result = clean_message(raw)
    assert result.text == "Please send the invoice."
    assert result.notes == ("html", "signature-removed")


def test_html_that_is_only_a_quote_is_kept() -> None:
    raw = "<div><blockquote type='cite'>Please add a shop &amp; payments.</blockquote></div>"
    result = clean_message(raw)
    assert result.text == "Please add a shop & payments."
    assert result.notes == ("html",)


def test_bottom_posted_html_reply() -> None:
    raw = "<div><blockquote>Do you want a blog?</blockquote><div>Yes, with comments.</div></div>"
    result = clean_message(raw)
    assert result.text == "Yes, with comments."
    assert result.notes == ("html", "quoted-history-removed")


def test_emoji_images_keep_their_text() -> None:
    raw = '<div>Love it <img class="emoji" alt="😍" src="https://x/1f60d.png"> thanks</div>'
    assert clean_message(raw).text == "Love it 😍 thanks"


def test_text_mentioning_a_tag_is_not_html() -> None:
    raw = "Please remove the <br> after the logo, it leaves a gap on mobile."
    result = clean_message(raw)
    assert result.text == raw
    assert "html" not in result.notes


def test_broken_html_does_not_lose_text() -> None:
    raw = "<div>Price < 500 EUR and a <b>bold <i>claim</div><p>Second <unclosed"
    result = clean_message(raw)
    assert result.text == "Price < 500 EUR and a bold claim\n\nSecond <unclosed"


# ---------------------------------------------------------------------------------------------
# Bytes


def test_binary_bytes() -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06\x00\x00"
    for data in (png * 40, bytes(range(256)) * 8, b"\x00" * 100):
        result = clean_message(data)
        assert result == CleanMessage("", len(data), False, ("binary",))


def test_utf16_bytes_with_bom() -> None:
    text = "您好：請再做兩個概念。謝謝！"
    for codec in ("utf-16", "utf-16-le", "utf-16-be"):
        bom = b"" if codec == "utf-16" else ("\ufeff".encode(codec))
        data = bom + text.encode(codec)
        result = clean_message(data)
        assert result.text == text
        assert result.notes == ("decoded-utf-16",)
        assert result.original_length == len(data)


def test_utf16_bytes_without_bom() -> None:
    data = "Please add a login page, thanks.".encode("utf-16-le")
    result = clean_message(data)
    assert result.text == "Please add a login page, thanks."
    assert result.notes == ("decoded-utf-16",)


def test_utf8_bytes_with_and_without_bom() -> None:
    text = "Hyvää päivää! Lisätkää 😀 jäsensivu."
    for data in (text.encode(), b"\xef\xbb\xbf" + text.encode()):
        result = clean_message(data)
        assert result.text == text
        assert result.notes == ()
        assert result.original_length == len(data)


def test_latin1_bytes() -> None:
    text = "Hyvää päivää, voisitteko lisätä sivun? Mulțumesc"
    data = text.replace("ț", "t").encode("latin-1")
    result = clean_message(data)
    assert result.text == "Hyvää päivää, voisitteko lisätä sivun? Multumesc"
    assert result.notes == ("decoded-latin-1",)
    assert result.original_length == len(data)


def test_cp1252_bytes() -> None:
    data = "\u201cFinal\u201d \u2013 we approve it.".encode("cp1252")
    result = clean_message(data)
    assert result.text == "\u201cFinal\u201d \u2013 we approve it."
    assert result.notes == ("decoded-latin-1",)


def test_utf8_cut_mid_character_stays_utf8() -> None:
    data = ("请增加一个会员注册功能。" * 20).encode()[:-1]
    result = clean_message(data)
    assert result.text.startswith("请增加一个会员注册功能。")
    assert "decoded-latin-1" not in result.notes


def test_other_bytes_like_values_are_read_as_bytes() -> None:
    data = b"Please add a blog."
    assert clean_message(bytearray(data)).text == "Please add a blog."  # type: ignore[arg-type]
    assert clean_message(memoryview(data)).text == "Please add a blog."  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# Empty input and normalisation


@pytest.mark.parametrize("raw", ["", "   ", " \n\t \r\n ", "\u3000\xa0", b"", b"  \n "])
def test_empty_and_whitespace_only(raw: str | bytes) -> None:
    result = clean_message(raw)
    assert result == CleanMessage("", len(raw), False, ("empty",))


def test_only_control_characters() -> None:
    result = clean_message("\x00\x01\x1b\x7f")
    assert result.text == ""
    assert result.notes == ("empty", "control-characters-removed")


def test_control_characters_are_removed() -> None:
    result = clean_message("Add\x00 a\x07 page\x1b.\x85Next\u2028line\x0bthird")
    assert result.text == "Add a page.\nNext\nline\nthird"
    assert result.notes == ("control-characters-removed",)


def test_whitespace_is_collapsed() -> None:
    raw = "  Hello   Maria,\r\n\r\n\r\n\r\n \t Please\tadd\u00a0a page.   \n\n\n\nThanks  "
    result = clean_message(raw)
    assert result.text == "Hello Maria,\n\nPlease add a page.\n\nThanks"
    assert result.notes == ()


def test_unicode_is_nfc_and_emoji_and_cjk_punctuation_survive() -> None:
    raw = "Hyva\u0308a\u0308 pa\u0308iva\u0308a\u0308! 好的！「設計」，謝謝。👍🏽👨‍👩‍👧 🇫🇮"
    result = clean_message(raw)
    assert result.text == "Hyvää päivää! 好的！「設計」，謝謝。👍🏽👨‍👩‍👧 🇫🇮"
    assert result.notes == ()


def test_invisible_characters_are_dropped() -> None:
    assert clean_message("\ufefflog\u200bin page\u00ad").text == "login page"


# ---------------------------------------------------------------------------------------------
# Truncation


def test_truncates_at_a_sentence_end() -> None:
    sentence = "We would like one more page for the new product line. "
    result = clean_message(sentence * 100, max_chars=500)
    assert result.truncated
    assert result.notes == ("truncated",)
    assert len(result.text) <= 500
    assert len(result.text) > 400
    assert result.text.endswith("product line.")


def test_truncates_at_a_word_boundary() -> None:
    raw = " ".join(["registration"] * 100)
    result = clean_message(raw, max_chars=100)
    assert len(result.text) <= 100
    assert result.text.split(" ") == ["registration"] * len(result.text.split(" "))
    assert result.truncated


def test_truncates_cjk_without_spaces() -> None:
    raw = "请增加一个会员注册功能并且完成支付页面" * 50
    result = clean_message(raw, max_chars=99)
    assert len(result.text) <= 99
    assert raw.startswith(result.text)
    assert result.truncated


def test_truncation_keeps_emoji_sequences_whole() -> None:
    family = "👨\u200d👩\u200d👧"
    result = clean_message(family * 10, max_chars=7)
    assert result.text == family


def test_exact_length_is_not_truncated() -> None:
    result = clean_message("x" * 50, max_chars=50)
    assert result.text == "x" * 50
    assert not result.truncated


def test_max_chars_zero() -> None:
    result = clean_message("Hello", max_chars=0)
    assert result == CleanMessage("", 5, True, ("truncated",))


def test_one_megabyte_of_text() -> None:
    raw = ("Please add a member area to the site, or we will not pay. 请增加会员功能。\n" * 20000)[
        :1_000_000
    ]
    result = clean_message(raw)
    assert result.original_length == 1_000_000
    assert result.truncated
    assert 3500 < len(result.text) <= 4000
    assert_invariants(result, 4000)


def test_one_megabyte_of_html_with_history() -> None:
    body = "<div>Please add a shop &amp; payments.</div>"
    history = "<blockquote>" + "<p>old &amp; <b>quoted</b> text</p>" * 30000 + "</blockquote>"
    result = clean_message(body + history)
    assert result.text == "Please add a shop & payments."
    assert result.notes == ("html", "quoted-history-removed")


def test_one_megabyte_of_quoted_plain_text() -> None:
    raw = (
        "Yes, approved.\n\nOn Mon, 3 Nov 2026 at 10:12, Sam <s@x.com> wrote:\n" + "> q\n" * 250_000
    )
    result = clean_message(raw)
    assert result.text == "Yes, approved."


def test_one_megabyte_of_bytes() -> None:
    data = ("Hyvää päivää. " * 80_000).encode("latin-1")
    result = clean_message(data)
    assert result.notes == ("decoded-latin-1", "truncated")
    assert result.text.startswith("Hyvää päivää.")


# ---------------------------------------------------------------------------------------------
# The value


def test_clean_message_is_frozen() -> None:
    result = clean_message("Hello")
    assert result == CleanMessage("Hello", 5, False, ())
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.text = "changed"  # type: ignore[misc]


def test_notes_are_the_documented_set() -> None:
    assert set(NOTES) == {
        "empty",
        "binary",
        "decoded-latin-1",
        "decoded-utf-16",
        "html",
        "quoted-history-removed",
        "signature-removed",
        "truncated",
        "control-characters-removed",
    }


# ---------------------------------------------------------------------------------------------
# Never raise: fuzzing

_FRAGMENTS = [
    "\n",
    "\r\n",
    " ",
    "\t",
    "\x00",
    "\x85",
    "\u2028",
    "> ",
    "--",
    "-- \n",
    "On Mon, 3 Nov 2026 at 10:12, Sam <sam@x.com> wrote:",
    "kirjoitti:",
    " a scris:",
    "写道：",
    "寫道：",
    "From: Sam\nSent: Monday\n",
    "Lähettäjä:",
    "De la:",
    "发件人：",
    "寄件者：",
    "-----Original Message-----",
    "------------------ 原始邮件 ------------------",
    "________________________________\n",
    "Sent from my iPhone",
    "从我的iPhone发送",
    "<html>",
    "<div>",
    "</div>",
    "<br>",
    "<p class=MsoNormal>",
    "<blockquote>",
    "</blockquote>",
    '<div class="gmail_quote">',
    '<div id="appendonsend">',
    '<div class="gmail_signature">',
    "<script>",
    "<style>",
    "<head>",
    "<body>",
    "<!--",
    "-->",
    "<!",
    "<",
    ">",
    "&amp;",
    "&#0;",
    "&#x85;",
    "&",
    "é",
    "e\u0301",
    "👨\u200d👩\u200d👧",
    "🇫🇮",
    "。",
    "\ud800",
]

message_soup = st.lists(
    st.one_of(st.sampled_from(_FRAGMENTS), st.text(max_size=20)), max_size=60
).map("".join)


@given(st.text(max_size=3000), st.integers(min_value=0, max_value=5000))
def test_fuzz_text_never_raises(raw: str, max_chars: int) -> None:
    result = clean_message(raw, max_chars=max_chars)
    assert result.original_length == len(raw)
    assert_invariants(result, max_chars)


@given(message_soup, st.integers(min_value=0, max_value=300))
def test_fuzz_mail_like_text_never_raises(raw: str, max_chars: int) -> None:
    result = clean_message(raw, max_chars=max_chars)
    assert_invariants(result, max_chars)


@given(st.binary(max_size=3000), st.integers(min_value=0, max_value=5000))
def test_fuzz_bytes_never_raise(raw: bytes, max_chars: int) -> None:
    result = clean_message(raw, max_chars=max_chars)
    assert result.original_length == len(raw)
    assert_invariants(result, max_chars)
    if "binary" in result.notes:
        assert result.text == ""


@given(message_soup.map(lambda s: s.encode("utf-8", "surrogatepass")))
def test_fuzz_mail_like_bytes_never_raise(raw: bytes) -> None:
    assert_invariants(clean_message(raw), 4000)


@settings(max_examples=15, deadline=None)
@given(st.one_of(message_soup, st.text()).filter(bool), st.booleans())
def test_fuzz_one_megabyte_never_raises(piece: str, as_bytes: bool) -> None:
    text = (piece * (1_000_000 // len(piece) + 1))[:1_000_000]
    raw: str | bytes = text.encode("utf-8", "surrogatepass") if as_bytes else text
    result = clean_message(raw)
    assert result.original_length == len(raw)
    assert_invariants(result, 4000)


@given(st.text(max_size=200))
def test_fuzz_text_is_kept_when_there_is_nothing_to_remove(raw: str) -> None:
    result = clean_message(raw)
    if not result.notes:
        # Nothing removed: the text is the input, normalised.
        words = [w for w in unicodedata.normalize("NFC", raw).split() if w.isalnum()]
        assert all(w in result.text for w in words)

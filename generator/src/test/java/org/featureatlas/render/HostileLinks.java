package org.featureatlas.render;

import java.util.List;

/**
 * Markdown that tries to get a script, data or local-file target past the note renderer: every
 * encoding a browser would still read as {@code javascript:} (and friends), raw HTML, and a few safe
 * targets that must survive. Each unsafe entry's link text or alt text starts with "bad".
 */
final class HostileLinks {
  /** Unsafe targets, one Markdown paragraph each. */
  static final List<String> UNSAFE = List.of(
      "[bad-plain](javascript:alert(1))",
      "[bad-backslash](javascript\\:alert(1))",
      "[bad-backslash2](javascript\\:alert\\(1\\))",
      "[bad-dec](&#106;avascript:alert(1))",
      "[bad-dec-zeros](&#0000106;avascript:alert(1))",
      "[bad-hex](&#x6A;avascript:alert(1))",
      "[bad-hex-upper](&#X6a;avascript:alert(1))",
      "[bad-colon-named](javascript&colon;alert(1))",
      "[bad-colon-dec](javascript&#58;alert(1))",
      "[bad-colon-hex](javascript&#x3a;alert(1))",
      "[bad-tab-named](java&Tab;script:alert(1))",
      "[bad-tab-dec](java&#9;script:alert(1))",
      "[bad-newline-named](java&NewLine;script:alert(1))",
      "[bad-newline-dec](java&#10;script:alert(1))",
      "[bad-cr](java&#13;script:alert(1))",
      "[bad-upper](JAVASCRIPT:alert(1))",
      "[bad-mixed](JaVaScRiPt:alert(1))",
      "[bad-leading-spaces](   javascript:alert(1))",
      "[bad-angle-spaces](<  javascript:alert(1)>)",
      "[bad-leading-space-ref](&#32;javascript:alert(1))",
      "[bad-leading-control](&#1;javascript:alert(1))",
      "[bad-leading-newline](&NewLine;javascript:alert(1))",
      "[bad-parens](javascript:alert&lpar;1&rpar;)",
      "<javascript:alert(1)>",
      "<JAVASCRIPT:alert(1)>",
      "<vbscript:msgbox(1)>",
      "<data:text/html,x>",
      "[bad-ref][r1]\n\n[r1]: javascript:alert(1)",
      "[bad-ref-escaped][r2]\n\n[r2]: javascript\\&#58;alert(1)",
      "[bad-vbscript](vbscript:msgbox(1))",
      "[bad-data-html](data:text/html,<script>alert(1)</script>)",
      "[bad-data-b64](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
      "[bad-file](file:///etc/passwd)",
      "[bad-other-scheme](feed:javascript:alert(1))",
      "![bad-img-js](javascript:alert(1))",
      "![bad-img-data](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
      "![bad-img-data-entity](&#100;ata:image/png;base64,iVBORw0KGgo=)",
      "![bad-img-ref][r3]\n\n[r3]: &#x64;ata:image/gif;base64,R0lGODlhAQABAAAAACw=",
      "[![bad-nested](javascript:alert(1))](javascript:alert(2))",
      "<a href=\"javascript:alert(1)\">bad-raw-a</a>",
      "<img src=x onerror=alert(1)>",
      "<svg onload=alert(1)><script>alert(1)</script></svg>",
      "<iframe src=\"javascript:alert(1)\"></iframe>",
      "<form action=\"javascript:alert(1)\"><button>bad-form</button></form>",
      "<div style=\"background:url(javascript:alert(1))\" onmouseover=\"alert(1)\">bad-div</div>");

  /** Safe targets: the link (or image) must stay, with this target. */
  static final List<String> SAFE = List.of(
      "[ok-https](https://example.org/a?b=1&c=2)",
      "[ok-http](http://example.org/)",
      "[ok-mailto](mailto:someone@example.org)",
      "[ok-relative](2.html)",
      "[ok-fragment](#main)",
      "[ok-percent](javascript%3Aalert(1))",
      "[ok-backslash-not-an-escape](java\\script:alert(1))",
      "![ok-img](ROOTstatic/favicon.svg)",
      "[ok-title](https://example.org/t \"x\\\" onmouseover=\\\"alert(1)\")");

  private HostileLinks() {}

  /** Every case as one Markdown note, for a page {@code root} below the site root ("" or "../"). */
  static String note(String root) {
    StringBuilder md = new StringBuilder("# Hostile links\n\n");
    for (String s : UNSAFE) {
      md.append(s).append("\n\n");
    }
    for (String s : SAFE) {
      md.append(s.replace("ROOT", root)).append("\n\n");
    }
    return md.toString();
  }
}

package org.featureatlas.render;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Entities;
import org.jsoup.nodes.TextNode;
import org.jsoup.safety.Cleaner;
import org.jsoup.safety.Safelist;

/**
 * The last pass over HTML made from imported text (notes): the HTML is parsed as a browser parses it
 * (jsoup, HTML5 rules, character references decoded), only the elements and attributes Markdown makes
 * are kept, and every link and image target is judged on its decoded value by {@link SafeUrl}. A link
 * with a refused target becomes its text; an image with a refused source becomes its alt text. The
 * result is serialised again by jsoup, so the browser reads exactly the values that were judged.
 */
final class SafeHtml {
  /** What flexmark's core renderer makes from Markdown. Everything else is dropped (its text is kept). */
  private static final Safelist MARKDOWN = new Safelist()
      .addTags("p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "em", "strong", "code", "pre", "blockquote",
          "ul", "ol", "li", "a", "img")
      .addAttributes("a", "href", "title")
      .addAttributes("img", "src", "alt", "title")
      .addAttributes("ol", "start")
      .addAttributes("code", "class");

  private SafeHtml() {}

  static String clean(String html) {
    Document clean = new Cleaner(MARKDOWN).clean(Jsoup.parseBodyFragment(html));
    for (Element a : clean.select("a")) {
      if (!a.hasAttr("href") || !SafeUrl.allowed(a.attr("href"), SafeUrl.Use.LINK)) {
        a.unwrap();
      }
    }
    for (Element img : clean.select("img")) {
      if (!img.hasAttr("src") || !SafeUrl.allowed(img.attr("src"), SafeUrl.Use.IMAGE)) {
        img.replaceWith(new TextNode(img.attr("alt")));
      }
    }
    clean.outputSettings().prettyPrint(false).escapeMode(Entities.EscapeMode.base).charset("UTF-8");
    return clean.body().html();
  }
}

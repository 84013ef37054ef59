package org.featureatlas.render.view;

import java.util.List;

/** One example window as shown: its activation at the example position, then its tokens. */
public record ExampleView(String act, List<TokenCell> tokens) {}

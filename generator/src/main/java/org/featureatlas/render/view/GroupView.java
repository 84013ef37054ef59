package org.featureatlas.render.view;

import java.util.List;

/** A titled group of examples: the top examples, or one activation interval. */
public record GroupView(String id, String title, String detail, List<ExampleView> examples) {}

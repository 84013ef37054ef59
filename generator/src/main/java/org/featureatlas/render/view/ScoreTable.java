package org.featureatlas.render.view;

import java.util.List;

/** A three-column table (unit, score a, score b) with its caption and column names. */
public record ScoreTable(String id, String caption, String unitName, String aName, String bName, List<ScoreRow> rows) {}

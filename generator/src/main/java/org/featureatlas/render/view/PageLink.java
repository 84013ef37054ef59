package org.featureatlas.render.view;

/** A pagination link: its label, its relative href, and whether it is the current page. */
public record PageLink(String label, String href, boolean current) {}

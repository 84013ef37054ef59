/**
 * What the templates see: plain records of display-ready strings (numbers already formatted, token
 * strings already made visible but not HTML-escaped: Pebble's autoescape does that).
 */
package org.featureatlas.render.view;

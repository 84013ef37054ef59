package org.featureatlas.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.featureatlas.check.AtlasException;
import org.junit.jupiter.api.Test;

class HookPointTest {
  @Test
  void parsesEveryTransformerLensNameAndPrintsItBack() {
    String[] names = {"blocks.0.hook_resid_pre", "blocks.11.hook_resid_mid", "blocks.3.hook_resid_post",
        "blocks.2.hook_attn_out", "blocks.5.hook_mlp_out", "blocks.7.mlp.hook_post", "blocks.4.attn.hook_z"};
    HookSite[] sites = {HookSite.RESID_PRE, HookSite.RESID_MID, HookSite.RESID_POST, HookSite.ATTN_OUT,
        HookSite.MLP_OUT, HookSite.MLP_POST, HookSite.ATTN_Z};
    int[] layers = {0, 11, 3, 2, 5, 7, 4};
    for (int i = 0; i < names.length; i++) {
      HookPoint h = HookPoint.parse(names[i]);
      assertEquals(new HookPoint(layers[i], sites[i]), h);
      assertEquals(names[i], h.toString());
    }
  }

  @Test
  void widthAndCentring() {
    Gpt2Config c = new Gpt2Config(2, 4, 32, 16, 50, 80, 1e-5, "gelu_new");
    assertEquals(80, HookPoint.parse("blocks.1.mlp.hook_post").width(c));
    assertEquals(32, HookPoint.parse("blocks.1.hook_mlp_out").width(c));
    assertEquals(32, HookPoint.parse("blocks.1.attn.hook_z").width(c)); // 4 heads x 8
    assertFalse(HookPoint.parse("blocks.1.mlp.hook_post").writesResidual());
    assertFalse(HookPoint.parse("blocks.1.attn.hook_z").writesResidual());
    for (String s : new String[] {"hook_resid_pre", "hook_resid_mid", "hook_resid_post", "hook_attn_out", "hook_mlp_out"}) {
      assertTrue(HookPoint.parse("blocks.0." + s).writesResidual(), s);
    }
    HookPoint.parse("blocks.1.hook_resid_post").checkIn(c);
    AtlasException e = assertThrows(AtlasException.class, () -> HookPoint.parse("blocks.7.hook_resid_pre").checkIn(c));
    assertEquals("hook blocks.7.hook_resid_pre: the model has only 2 layers", e.getMessage());
  }

  @Test
  void rejectsOtherNames() {
    for (String bad : new String[] {"blocks.1.attn.hook_q", "blocks.x.hook_resid_pre", "hook_embed",
        "blocks.1.hook_resid_pre.extra", "", "blocks.-1.hook_resid_pre", "blocks.1.mlp.hook_pre"}) {
      AtlasException e = assertThrows(AtlasException.class, () -> HookPoint.parse(bad), bad);
      assertTrue(e.getMessage().contains("unsupported hook name"), e.getMessage());
    }
  }

  @Test
  void orderFollowsTheForwardPass() {
    List<String> expected = List.of("blocks.0.hook_resid_pre", "blocks.0.attn.hook_z", "blocks.0.hook_attn_out", "blocks.0.hook_resid_mid",
        "blocks.0.mlp.hook_post", "blocks.0.hook_mlp_out", "blocks.0.hook_resid_post", "blocks.1.hook_resid_pre");
    TreeSet<HookPoint> set = new TreeSet<>();
    for (int i = expected.size() - 1; i >= 0; i--) {
      set.add(HookPoint.parse(expected.get(i)));
    }
    List<String> got = new ArrayList<>();
    set.forEach(h -> got.add(h.toString()));
    assertEquals(expected, got);
  }
}

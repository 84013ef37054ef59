package org.featureatlas.data;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * The one JSON configuration of the data format. Every double is written rounded to
 * {@value #SIGNIFICANT_DIGITS} significant digits (half-even); a non-finite double is a bug and
 * fails the write.
 */
public final class Json {
  public static final int SIGNIFICANT_DIGITS = 6;
  private static final MathContext CONTEXT = new MathContext(SIGNIFICANT_DIGITS, RoundingMode.HALF_EVEN);
  private static final ObjectMapper MAPPER = build();

  /**
   * Reads feature records strictly: a required field that is missing, a null where a number belongs,
   * a string or boolean where a number belongs, and a fraction where an integer belongs all fail the
   * read, instead of becoming 0 or being converted.
   */
  private static final ObjectReader RECORDS = ((JsonMapper) MAPPER).rebuild()
      .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
      .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build()
      .readerFor(FeatureRecord.class);

  private Json() {}

  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /** The strict reader of one feature record (one line of a feature file). */
  public static ObjectReader recordReader() {
    return RECORDS;
  }

  private static final double[] POW10 = new double[23];

  static {
    POW10[0] = 1;
    for (int i = 1; i < POW10.length; i++) POW10[i] = POW10[i - 1] * 10; // exact up to 1e22
  }

  /**
   * {@code value} rounded to the stored precision: the double nearest to {@code value} rounded to
   * {@value #SIGNIFICANT_DIGITS} significant digits, half-even. Scaling by an exact power of ten, rint
   * and a correctly rounded division give that double directly, except where the scaling's rounding
   * could cross a half-way point or the powers are not exact: those few go through BigDecimal.
   */
  public static double round(double value) {
    if (value == 0.0 || !Double.isFinite(value)) {
      return value == 0.0 ? 0.0 : value;
    }
    double a = Math.abs(value);
    int e = (int) Math.floor(Math.log10(a));
    // log10 may be off by one next to a power of ten; fix the decade exactly.
    if (e >= -22 && e <= 21) {
      if (e >= 0 ? a >= POW10[e + 1] : a >= 1 / POW10[-e - 1]) e++;
      else if (e >= 0 ? a < POW10[e] : a < 1 / POW10[-e]) e--;
    }
    int k = SIGNIFICANT_DIGITS - 1 - e;
    if (k >= -22 && k <= 22) {
      double scaled = k >= 0 ? value * POW10[k] : value / POW10[-k];
      // Only a value whose scaled form lies within two ulps of a half-way point needs the exact path.
      double half = Math.abs(scaled - Math.floor(scaled) - 0.5);
      if (half > 2 * Math.ulp(scaled)) {
        double n = Math.rint(scaled);
        return k >= 0 ? n / POW10[k] : n * POW10[-k];
      }
    }
    return new BigDecimal(value).round(CONTEXT).doubleValue();
  }

  private static ObjectMapper build() {
    SimpleModule rounding = new SimpleModule("atlas-rounding");
    JsonSerializer<Double> doubles = new JsonSerializer<>() {
      @Override
      public void serialize(Double value, JsonGenerator gen, SerializerProvider provider) throws IOException {
        if (!Double.isFinite(value)) {
          throw new IllegalStateException("non-finite number in atlas data: " + value);
        }
        gen.writeNumber(round(value));
      }
    };
    rounding.addSerializer(Double.class, doubles);
    rounding.addSerializer(double.class, doubles);
    return JsonMapper.builder()
        .addModule(rounding)
        .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
        .disable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .build();
  }
}

package org.featureatlas.data;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
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

  private Json() {}

  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /** {@code value} rounded to the stored precision. */
  public static double round(double value) {
    if (value == 0.0 || !Double.isFinite(value)) {
      return value == 0.0 ? 0.0 : value;
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

package org.featureatlas.export;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Neuronpedia's database models, written by hand from the Python dataclasses of neuronpedia-utils in the
 * hijohnnylin/neuronpedia repository (commit ebb8426fc550ad5d1f76d52c271a624af3c08a57):
 * utils/neuronpedia-utils/neuronpedia_utils/db_models/feature.py, activation.py, model.py, source.py,
 * source_set.py and source_release.py. Each field is copied as its Python declaration
 * ({@code name: Type} or {@code name: Type = default}); a field without a default is required. A JSON
 * record matches when every key is a declared field, every required field is present and every value has
 * the field's type: str is a JSON string, int an integer, float any number, bool a boolean, datetime an
 * ISO string, List[T] an array of T, Optional[T] T or null.
 */
final class NeuronpediaSchema {
  /** db_models/feature.py: class Feature. */
  static final NeuronpediaSchema FEATURE = new NeuronpediaSchema("Feature",
      "modelId: str",
      "layer: str",
      "index: str",
      "creatorId: Optional[str] = None",
      "createdAt: datetime = field(default_factory=datetime.now)",
      "maxActApprox: Optional[float] = 0",
      "hasVector: bool = False",
      "vector: List[float] = field(default_factory=list)",
      "vectorLabel: Optional[str] = None",
      "vectorDefaultSteerStrength: Optional[float] = 10",
      "hookName: Optional[str] = None",
      "topkCosSimIndices: List[int] = field(default_factory=list)",
      "topkCosSimValues: List[float] = field(default_factory=list)",
      "neuron_alignment_indices: List[int] = field(default_factory=list)",
      "neuron_alignment_values: List[float] = field(default_factory=list)",
      "neuron_alignment_l1: List[float] = field(default_factory=list)",
      "correlated_neurons_indices: List[int] = field(default_factory=list)",
      "correlated_neurons_pearson: List[float] = field(default_factory=list)",
      "correlated_neurons_l1: List[float] = field(default_factory=list)",
      "correlated_features_indices: List[int] = field(default_factory=list)",
      "correlated_features_pearson: List[float] = field(default_factory=list)",
      "correlated_features_l1: List[float] = field(default_factory=list)",
      "neg_str: List[str] = field(default_factory=list)",
      "neg_values: List[float] = field(default_factory=list)",
      "pos_str: List[str] = field(default_factory=list)",
      "pos_values: List[float] = field(default_factory=list)",
      "frac_nonzero: float = 0",
      "freq_hist_data_bar_heights: List[float] = field(default_factory=list)",
      "freq_hist_data_bar_values: List[float] = field(default_factory=list)",
      "logits_hist_data_bar_heights: List[float] = field(default_factory=list)",
      "logits_hist_data_bar_values: List[float] = field(default_factory=list)",
      "decoder_weights_dist: List[float] = field(default_factory=list)",
      "sourceSetName: Optional[str] = None");

  /** db_models/activation.py: class Activation. */
  static final NeuronpediaSchema ACTIVATION = new NeuronpediaSchema("Activation",
      "id: str",
      "tokens: List[str]",
      "index: str",
      "layer: str",
      "modelId: str",
      "maxValue: float",
      "maxValueTokenIndex: int",
      "minValue: float",
      "values: List[float]",
      "creatorId: str",
      "dataSource: Optional[str] = None",
      "dataIndex: Optional[str] = None",
      "dfaValues: List[float] = field(default_factory=list)",
      "dfaTargetIndex: Optional[int] = None",
      "dfaMaxValue: Optional[float] = None",
      "createdAt: datetime = field(default_factory=datetime.now)",
      "lossValues: List[float] = field(default_factory=list)",
      "logitContributions: Optional[str] = None",
      "binMin: Optional[float] = None",
      "binMax: Optional[float] = None",
      "binContains: Optional[float] = None",
      "qualifyingTokenIndex: Optional[int] = None",
      "zIndices: Optional[List[List[int]]] = None",
      "zValues: Optional[List[float]] = None");

  /** db_models/model.py: class Model. */
  static final NeuronpediaSchema MODEL = new NeuronpediaSchema("Model",
      "id: str",
      "instruct: bool",
      "creatorId: str",
      "displayNameShort: str = \"\"",
      "displayName: str = \"\"",
      "tlensId: Optional[str] = None",
      "dimension: Optional[int] = None",
      "visibility: str = \"PUBLIC\"",
      "defaultSourceSetName: Optional[str] = None",
      "defaultSourceId: Optional[str] = None",
      "inferenceEnabled: bool = True",
      "layers: int = 0",
      "neuronsPerLayer: int = 0",
      "createdAt: datetime = field(default_factory=datetime.now)",
      "owner: str = \"\"",
      "updatedAt: datetime = field(default_factory=datetime.now)",
      "website: Optional[str] = None");

  /** db_models/source.py: class Source. */
  static final NeuronpediaSchema SOURCE = new NeuronpediaSchema("Source",
      "id: str",
      "modelId: str",
      "setName: str",
      "creatorId: str",
      "hasDashboards: bool = True",
      "inferenceEnabled: bool = False",
      "inferenceHosts: List[str] = field(default_factory=list)",
      "saelensConfig: Optional[str] = None",
      "saelensRelease: Optional[str] = None",
      "saelensSaeId: Optional[str] = None",
      "hfRepoId: Optional[str] = None",
      "hfFolderId: Optional[str] = None",
      "visibility: str = \"PUBLIC\"",
      "defaultOfModelId: Optional[str] = None",
      "hasUmap: bool = False",
      "hasUmapLogSparsity: bool = False",
      "hasUmapClusters: bool = False",
      "num_prompts: Optional[int] = None",
      "num_tokens_in_prompt: Optional[int] = None",
      "dataset: Optional[str] = None",
      "notes: Optional[str] = None",
      "createdAt: datetime = field(default_factory=datetime.now)");

  /** db_models/source_set.py: class SourceSet. */
  static final NeuronpediaSchema SOURCE_SET = new NeuronpediaSchema("SourceSet",
      "modelId: str",
      "name: str",
      "creatorId: str",
      "hasDashboards: bool = True",
      "visibility: str = \"PRIVATE\"",
      "description: str = \"\"",
      "type: str = \"\"",
      "creatorName: str = \"\"",
      "urls: List[str] = field(default_factory=list)",
      "creatorEmail: Optional[str] = None",
      "releaseName: Optional[str] = None",
      "defaultOfModelId: Optional[str] = None",
      "defaultRange: int = 1",
      "defaultShowBreaks: bool = True",
      "showDfa: bool = False",
      "showCorrelated: bool = False",
      "showHeadAttribution: bool = False",
      "showUmap: bool = False",
      "createdAt: datetime = field(default_factory=datetime.now)");

  /** db_models/source_release.py: class SourceRelease. */
  static final NeuronpediaSchema SOURCE_RELEASE = new NeuronpediaSchema("SourceRelease",
      "name: str",
      "description: str",
      "creatorName: str",
      "creatorId: str",
      "visibility: str = \"PUBLIC\"",
      "isNewUi: bool = False",
      "featured: bool = False",
      "descriptionShort: Optional[str] = None",
      "urls: List[str] = field(default_factory=list)",
      "creatorEmail: Optional[str] = None",
      "creatorNameShort: Optional[str] = None",
      "defaultSourceSetName: Optional[str] = None",
      "defaultSourceId: Optional[str] = None",
      "defaultUmapSourceIds: List[str] = field(default_factory=list)",
      "createdAt: datetime = field(default_factory=datetime.now)");

  record Field(String name, String type, boolean required) {}

  final String className;
  final Map<String, Field> fields = new LinkedHashMap<>();

  private NeuronpediaSchema(String className, String... declarations) {
    this.className = className;
    for (String d : declarations) {
      int colon = d.indexOf(':');
      int eq = d.indexOf(" = ");
      String name = d.substring(0, colon).strip();
      String type = (eq < 0 ? d.substring(colon + 1) : d.substring(colon + 1, eq)).strip();
      fields.put(name, new Field(name, type, eq < 0));
    }
  }

  /** The problems of {@code record} against this class, empty when it matches. */
  List<String> problems(JsonNode record) {
    List<String> out = new ArrayList<>();
    if (record == null || !record.isObject()) {
      out.add(className + ": not a JSON object");
      return out;
    }
    for (Iterator<String> names = record.fieldNames(); names.hasNext();) {
      String name = names.next();
      Field f = fields.get(name);
      if (f == null) {
        out.add(className + ": unknown field " + name);
      } else if (!matches(f.type(), record.get(name))) {
        out.add(className + "." + name + ": " + record.get(name).getNodeType() + " is not " + f.type());
      }
    }
    for (Field f : fields.values()) {
      if (f.required() && !record.has(f.name())) {
        out.add(className + ": lacks the required field " + f.name());
      }
    }
    return out;
  }

  static boolean matches(String type, JsonNode value) {
    if (type.startsWith("Optional[")) {
      return value.isNull() || matches(type.substring("Optional[".length(), type.length() - 1), value);
    }
    if (type.startsWith("List[")) {
      if (!value.isArray()) {
        return false;
      }
      String element = type.substring("List[".length(), type.length() - 1);
      for (JsonNode item : value) {
        if (!matches(element, item)) {
          return false;
        }
      }
      return true;
    }
    return switch (type) {
      case "str" -> value.isTextual();
      case "int" -> value.isIntegralNumber();
      case "float" -> value.isNumber();
      case "bool" -> value.isBoolean();
      case "datetime" -> value.isTextual() && value.textValue().matches("\\d{4}-\\d\\d-\\d\\dT.*");
      default -> throw new IllegalArgumentException("type not in the schema language: " + type);
    };
  }
}

package dev.drover.infra;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/** Helpers over a synthesized template's JSON (nested Maps and Lists). */
final class TemplateJson {
    private TemplateJson() {}

    /**
     * Renders an intrinsic value as text, with references as ${LogicalId} and ${LogicalId.Attr}, so a
     * test can read user data or an ARN as the instance will see it.
     */
    static String render(Object value) {
        if (value instanceof String text) {
            return text;
        }
        if (value instanceof Map<?, ?> map && map.size() == 1) {
            Map.Entry<?, ?> entry = map.entrySet().iterator().next();
            Object argument = entry.getValue();
            switch (entry.getKey().toString()) {
                case "Ref":
                    return "${" + argument + "}";
                case "Fn::GetAtt":
                    return "${" + ((List<?>) argument).stream().map(Object::toString).collect(Collectors.joining(".")) + "}";
                case "Fn::Base64":
                    return render(argument);
                case "Fn::Join": {
                    List<?> join = (List<?>) argument;
                    return ((List<?>) join.get(1)).stream().map(TemplateJson::render)
                            .collect(Collectors.joining(join.get(0).toString()));
                }
                case "Fn::Select": {
                    List<?> select = (List<?>) argument;
                    return "${Select " + select.get(0) + " " + render(select.get(1)) + "}";
                }
                case "Fn::GetAZs":
                    return "${AZs}";
                default:
                    break;
            }
        }
        throw new IllegalArgumentException("cannot render " + value);
    }

    /** Every policy statement anywhere in the template: IAM policies, roles, queue and bucket policies alike. */
    static List<Map<String, Object>> statements(Object template) {
        List<Map<String, Object>> found = new ArrayList<>();
        walk(template, map -> {
            if (map.get("Statement") instanceof List<?> statements) {
                statements.forEach(statement -> found.add(asMap(statement)));
            }
        });
        return found;
    }

    static void walk(Object node, Consumer<Map<String, Object>> visitor) {
        if (node instanceof Map<?, ?> map) {
            visitor.accept(asMap(map));
            map.values().forEach(child -> walk(child, visitor));
        } else if (node instanceof List<?> list) {
            list.forEach(child -> walk(child, visitor));
        }
    }

    /** A policy field that may be one value or a list of them. */
    static List<Object> asList(Object value) {
        if (value == null) {
            return List.of();
        }
        return value instanceof List<?> list ? List.copyOf(list) : List.of(value);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> asMap(Object value) {
        return (Map<String, Object>) value;
    }

    /**
     * Why a statement grants too much, or null: a wildcard action ({@code *} or {@code service:*}) on a
     * wildcard resource, or an Allow of every action (or of everything but some, via NotAction).
     */
    static String wildcardViolation(Map<String, Object> statement) {
        List<Object> actions = asList(statement.get("Action"));
        boolean wildcardAction = actions.stream().anyMatch(a -> a.equals("*") || a.toString().endsWith(":*"));
        boolean wildcardResource = asList(statement.get("Resource")).contains("*") || statement.containsKey("NotResource");
        boolean allow = "Allow".equals(statement.get("Effect"));
        if (wildcardAction && wildcardResource) {
            return "wildcard action on a wildcard resource: " + statement;
        }
        if (allow && (actions.contains("*") || statement.containsKey("NotAction"))) {
            return "allows every action: " + statement;
        }
        return null;
    }
}

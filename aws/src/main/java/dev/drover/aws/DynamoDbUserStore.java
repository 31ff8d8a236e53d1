package dev.drover.aws;

import static dev.drover.aws.DynamoDbSchema.Jobs.PARTITION_KEY;
import static dev.drover.aws.DynamoDbSchema.Jobs.SORT_KEY;
import static dev.drover.aws.DynamoDbSchema.Users.ADMIN;
import static dev.drover.aws.DynamoDbSchema.Users.CREATED_AT;
import static dev.drover.aws.DynamoDbSchema.Users.NAME;
import static dev.drover.aws.DynamoDbSchema.Users.REVOKED;
import static dev.drover.aws.DynamoDbSchema.Users.TOKEN_HASH;
import static dev.drover.aws.DynamoDbSchema.Users.TOKEN_HASHES;
import static dev.drover.aws.DynamoDbSchema.Users.TOKEN_PREFIX;
import static dev.drover.aws.DynamoDbSchema.Users.TOKEN_SORT_KEY;
import static dev.drover.aws.DynamoDbSchema.Users.USER_PREFIX;
import static dev.drover.aws.DynamoDbSchema.Users.USER_SORT_KEY;
import static dev.drover.aws.DynamoDbSchema.Users.WEIGHT;

import dev.drover.core.InfrastructureException;
import dev.drover.core.port.User;
import dev.drover.core.port.UserStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import java.util.HashMap;

/**
 * Users in the jobs table (see {@link DynamoDbSchema.Users}). A token is found by one consistent
 * read of its hash's item; the stored hash is then compared with {@link MessageDigest#isEqual}
 * and the user's own item must still list it, so a half-done removal revokes rather than keeps.
 */
public final class DynamoDbUserStore implements UserStore {
    private static final String SERVICE = "DynamoDB";

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoDbUserStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    private static AttributeValue s(String v) {
        return AttributeValue.fromS(v);
    }

    private static Map<String, AttributeValue> userKey(String name) {
        return Map.of(PARTITION_KEY, s(USER_PREFIX + name), SORT_KEY, s(USER_SORT_KEY));
    }

    private static Map<String, AttributeValue> tokenKey(String hash) {
        return Map.of(PARTITION_KEY, s(TOKEN_PREFIX + hash), SORT_KEY, s(TOKEN_SORT_KEY));
    }

    @Override
    public boolean add(User user, String tokenHash) {
        Map<String, AttributeValue> item = new HashMap<>(userKey(user.name()));
        item.putAll(Map.of(NAME, s(user.name()), ADMIN, AttributeValue.fromBool(user.admin()),
                CREATED_AT, AttributeValue.fromN(Long.toString(user.createdAt())),
                TOKEN_HASHES, AttributeValue.fromSs(List.of(tokenHash)), REVOKED, AttributeValue.fromBool(false),
                WEIGHT, AttributeValue.fromN(Integer.toString(user.weight()))));
        if (user.monthlyBudgetUsd() != null) {
            item.put(DynamoDbSchema.Users.MONTHLY_BUDGET_USD, AttributeValue.fromN(Double.toString(user.monthlyBudgetUsd())));
        }
        try {
            AwsErrors.call(SERVICE, () -> dynamo.putItem(b -> b.tableName(table).item(item)
                    .conditionExpression("attribute_not_exists(" + PARTITION_KEY + ") OR " + REVOKED + " = :yes")
                    .expressionAttributeValues(Map.of(":yes", AttributeValue.fromBool(true)))));
        } catch (InfrastructureException e) {
            if (e.getCause() instanceof ConditionalCheckFailedException) {
                return false;
            }
            throw e;
        }
        Map<String, AttributeValue> token = new HashMap<>(tokenKey(tokenHash));
        token.putAll(Map.of(NAME, s(user.name()), TOKEN_HASH, s(tokenHash), REVOKED, AttributeValue.fromBool(false)));
        AwsErrors.call(SERVICE, () -> dynamo.putItem(b -> b.tableName(table).item(token)));
        return true;
    }

    private Optional<Map<String, AttributeValue>> userItem(String name) {
        var item = AwsErrors.call(SERVICE, () -> dynamo.getItem(b -> b.tableName(table).consistentRead(true)
                .key(userKey(name)))).item();
        return item == null || item.isEmpty() || revoked(item) ? Optional.empty() : Optional.of(item);
    }

    private static boolean revoked(Map<String, AttributeValue> item) {
        AttributeValue v = item.get(REVOKED);
        return v != null && Boolean.TRUE.equals(v.bool());
    }

    private static User user(Map<String, AttributeValue> i) {
        AttributeValue budget = i.get(DynamoDbSchema.Users.MONTHLY_BUDGET_USD);
        return new User(i.get(NAME).s(), Boolean.TRUE.equals(i.get(ADMIN).bool()), Long.parseLong(i.get(CREATED_AT).n()),
                i.containsKey(WEIGHT) ? Integer.parseInt(i.get(WEIGHT).n()) : User.DEFAULT_WEIGHT,
                budget == null ? null : Double.valueOf(budget.n()));
    }

    @Override
    public Optional<User> get(String name) {
        return userItem(name).map(DynamoDbUserStore::user);
    }

    @Override
    public List<User> list() {
        return AwsErrors.call(SERVICE, () -> dynamo.scanPaginator(b -> b.tableName(table).consistentRead(true)
                        .filterExpression(SORT_KEY + " = :user").expressionAttributeValues(Map.of(":user", s(USER_SORT_KEY))))
                .items().stream().filter(i -> !revoked(i)).map(DynamoDbUserStore::user)
                .sorted(Comparator.comparing(User::name)).toList());
    }

    @Override
    public Optional<User> byTokenHash(String tokenHash) {
        var token = AwsErrors.call(SERVICE, () -> dynamo.getItem(b -> b.tableName(table).consistentRead(true)
                .key(tokenKey(tokenHash)))).item();
        if (token == null || token.isEmpty() || revoked(token) || token.get(TOKEN_HASH) == null
                || !MessageDigest.isEqual(token.get(TOKEN_HASH).s().getBytes(StandardCharsets.US_ASCII),
                        tokenHash.getBytes(StandardCharsets.US_ASCII))) {
            return Optional.empty();
        }
        return userItem(token.get(NAME).s())
                .filter(u -> u.get(TOKEN_HASHES) != null && u.get(TOKEN_HASHES).ss().contains(tokenHash))
                .map(DynamoDbUserStore::user);
    }

    @Override
    public boolean remove(String name) {
        Optional<Map<String, AttributeValue>> item = userItem(name);
        if (item.isEmpty()) {
            return false;
        }
        List<String> hashes = item.get().get(TOKEN_HASHES) == null ? List.of() : item.get().get(TOKEN_HASHES).ss();
        for (String hash : hashes) {
            AwsErrors.call(SERVICE, () -> dynamo.updateItem(b -> b.tableName(table).key(tokenKey(hash))
                    .updateExpression("SET " + REVOKED + " = :yes")
                    .expressionAttributeValues(Map.of(":yes", AttributeValue.fromBool(true)))));
        }
        AwsErrors.call(SERVICE, () -> dynamo.updateItem(b -> b.tableName(table).key(userKey(name))
                .updateExpression("SET " + REVOKED + " = :yes")
                .expressionAttributeValues(Map.of(":yes", AttributeValue.fromBool(true)))));
        return true;
    }

    @Override
    public boolean setWeight(String name, int weight) {
        try {
            AwsErrors.call(SERVICE, () -> dynamo.updateItem(b -> b.tableName(table).key(userKey(name))
                    .updateExpression("SET " + WEIGHT + " = :w")
                    .conditionExpression("attribute_exists(" + PARTITION_KEY + ") AND " + REVOKED + " = :no")
                    .expressionAttributeValues(Map.of(":w", AttributeValue.fromN(Integer.toString(weight)),
                            ":no", AttributeValue.fromBool(false)))));
            return true;
        } catch (InfrastructureException e) {
            if (e.getCause() instanceof ConditionalCheckFailedException) {
                return false;
            }
            throw e;
        }
    }
}

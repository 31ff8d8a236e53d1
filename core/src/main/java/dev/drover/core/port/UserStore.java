package dev.drover.core.port;

import java.util.List;
import java.util.Optional;

/**
 * Users and the hashes of their API tokens: in the scheduler's data directory for the in-JVM
 * pool, in DynamoDB for remote workers. A token hash is the hex SHA-256 of the token; the token
 * itself is never stored. Adapters compare hashes with {@link java.security.MessageDigest#isEqual}.
 */
public interface UserStore {
    /** Adds the user with its first token; false, and nothing changed, if a user of that name exists. */
    boolean add(User user, String tokenHash);

    Optional<User> get(String name);

    /** Every user, by name. */
    List<User> list();

    /** The user whose (unrevoked) token has this hash. */
    Optional<User> byTokenHash(String tokenHash);

    /** Removes the user and revokes every one of their tokens; false if there was no such user. */
    boolean remove(String name);

    /** Changes the user's fair-share weight; false if there is no such user. */
    boolean setWeight(String name, int weight);
}

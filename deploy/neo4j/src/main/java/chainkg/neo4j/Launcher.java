package chainkg.neo4j;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.QueryExecutionException;

/**
 * Runs a Neo4j Community DBMS with its Bolt connector on loopback until the
 * process receives SIGTERM/SIGINT, then shuts the DBMS down cleanly.
 *
 * <p>Usage: {@code Launcher HOME_DIR CONF_FILE READY_FILE}. CONF_FILE holds
 * {@code key=value} Neo4j settings (the same names as in neo4j.conf; blank
 * lines and {@code #} comments ignored), written by deploy/neo4j/neo4j.sh;
 * Neo4j validates them (unknown names are errors).
 * The password of the {@code neo4j} user comes from the NEO4J_PASSWORD
 * environment variable (never the command line, which {@code ps} shows) and
 * is set on every start with {@code CHANGE NOT REQUIRED}. READY_FILE is
 * written (atomically) once the DBMS is up and the password is set; it holds
 * the Bolt URI.
 */
public final class Launcher {
    private Launcher() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: Launcher HOME_DIR CONF_FILE READY_FILE");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        Path confFile = Path.of(args[1]).toAbsolutePath();
        Map<String, String> conf = readConf(confFile);
        Path ready = Path.of(args[2]).toAbsolutePath();
        String password = System.getenv("NEO4J_PASSWORD");
        if (password == null || password.length() < 8) {
            System.err.println("NEO4J_PASSWORD must be set and at least 8 characters long");
            System.exit(2);
        }
        Files.deleteIfExists(ready);

        long t0 = System.nanoTime();
        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
                .loadPropertiesFromFile(confFile)
                .build();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("chainkg-neo4j: shutting down");
            try {
                dbms.shutdown();
            } finally {
                try {
                    Files.deleteIfExists(ready);
                } catch (IOException ignored) {
                    // best effort: neo4j.sh also removes it
                }
                System.out.println("chainkg-neo4j: stopped");
                stopped.countDown();
            }
        }, "chainkg-neo4j-shutdown"));

        setPassword(dbms.database("system"), password);

        String uri = "bolt://" + conf.get("server.bolt.listen_address");
        Path tmp = ready.resolveSibling(ready.getFileName() + ".tmp");
        Files.writeString(tmp, uri + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, ready, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        System.out.printf("chainkg-neo4j: ready on %s after %.1f s%n", uri, (System.nanoTime() - t0) / 1e9);
        stopped.await();
    }

    /**
     * Sets the neo4j user's password. Embedded transactions run with full
     * rights, so no old password is needed. Neo4j refuses to "change" a
     * password to its current value; that case means it is already set.
     */
    static void setPassword(GraphDatabaseService system, String password) {
        try {
            system.executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $pw CHANGE NOT REQUIRED", Map.of("pw", password));
            System.out.println("chainkg-neo4j: password of user neo4j set");
        } catch (QueryExecutionException e) {
            String msg = String.valueOf(e.getMessage());
            if (msg.contains("cannot be the same")) {
                System.out.println("chainkg-neo4j: password of user neo4j already set");
                return;
            }
            throw e;
        }
    }

    /** Reads CONF_FILE for the launcher's own use (the Bolt address); Neo4j parses it too. */
    static Map<String, String> readConf(Path file) throws IOException {
        Map<String, String> conf = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(file + ":" + (i + 1) + ": want key=value, got: " + line);
            }
            conf.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
        }
        if (!conf.containsKey("server.bolt.listen_address")) {
            throw new IllegalArgumentException(file + ": server.bolt.listen_address is required");
        }
        return conf;
    }
}

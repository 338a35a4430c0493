package org.elasticsearch.node;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.conflictwire.search.DistributionModulesPlugin;
import org.elasticsearch.common.logging.LogConfigurator;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.env.Environment;
import org.elasticsearch.plugins.ClasspathPluginsService;
import org.elasticsearch.plugins.Plugin;
import org.elasticsearch.plugins.PluginsLoader;
import org.elasticsearch.plugins.PluginsService;
import org.elasticsearch.transport.netty4.Netty4Plugin;

/**
 * Starts N Elasticsearch nodes in this JVM for local development and tests.
 *
 * Usage: LocalCluster HOME HTTP_PORT NODES. Node i listens on 127.0.0.1:(HTTP_PORT + i) for HTTP and
 * 127.0.0.1:(HTTP_PORT + 100 + i) for transport; data and logs live under HOME. The process runs until
 * it receives SIGTERM, then closes every node so the indices are flushed.
 * In package org.elasticsearch.node because NodeConstruction is package-private.
 */
public final class LocalCluster {

    private static final List<Class<? extends Plugin>> PLUGINS = List.of(Netty4Plugin.class, DistributionModulesPlugin.class);

    public static void main(String[] args) throws Exception {
        Path home = Path.of(args[0]).toAbsolutePath();
        int httpPort = Integer.parseInt(args[1]);
        int count = Integer.parseInt(args[2]);
        Files.createDirectories(home.resolve("config"));
        Files.createDirectories(home.resolve("logs"));
        LogConfigurator.registerErrorListener();
        LogConfigurator.setNodeName("local");
        LogConfigurator.configureESLogging();
        LogConfigurator.configureWithoutConfig(Settings.builder().put("logger.level", "INFO").build());

        List<String> names = new ArrayList<>();
        List<String> seeds = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            names.add("node-" + (i + 1));
            seeds.add("127.0.0.1:" + (httpPort + 100 + i));
        }
        List<Node> nodes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Settings.Builder settings = Settings.builder()
                .put("cluster.name", "conflictwire-local")
                .put("node.name", names.get(i))
                .put("path.home", home.toString())
                .put("path.data", home.resolve(names.get(i)).resolve("data").toString())
                .put("path.logs", home.resolve("logs").toString())
                .put("network.host", "127.0.0.1")
                .put("http.port", httpPort + i)
                .put("transport.port", httpPort + 100 + i)
                .put("cluster.routing.allocation.disk.threshold_enabled", false)
                .put("action.destructive_requires_name", true)
                .put("indices.id_field_data.enabled", false);
            if (count == 1) {
                settings.put("discovery.type", "single-node");
            } else {
                settings.putList("discovery.seed_hosts", seeds);
                settings.putList("cluster.initial_master_nodes", names);
            }
            Environment env = new Environment(settings.build(), home.resolve("config"));
            NodeServiceProvider provider = new NodeServiceProvider() {
                @Override
                PluginsService newPluginService(Environment environment, PluginsLoader loader) {
                    return new ClasspathPluginsService(environment.settings(), environment, PLUGINS);
                }
            };
            PluginsLoader loader = PluginsLoader.createPluginsLoader(java.util.Set.of(), java.util.Set.of(), java.util.Map.of(), false);
            nodes.add(new Node(NodeConstruction.prepareConstruction(env, loader, provider, true)));
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (Node node : nodes) {
                try {
                    node.prepareForClose();
                    node.close();
                    node.awaitClose(30, TimeUnit.SECONDS);
                } catch (Exception e) {
                    e.printStackTrace();
                }
            }
            stopped.countDown();
        }, "local-cluster-shutdown"));
        for (Node node : nodes) {
            node.start();
        }
        System.out.println("conflictwire local cluster started: " + count + " node(s), http port " + httpPort);
        stopped.await();
    }
}

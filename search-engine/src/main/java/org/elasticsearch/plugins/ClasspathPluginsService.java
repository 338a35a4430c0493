package org.elasticsearch.plugins;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.elasticsearch.Version;
import org.elasticsearch.action.admin.cluster.node.info.PluginsAndModules;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.env.Environment;

/**
 * Plugins taken from the classpath instead of a distribution's modules/ folder.
 *
 * The Maven artifacts carry plugin classes but not the folder layout the packaged server scans,
 * so the launcher hands the plugin classes over directly. Lives in this package because
 * LoadedPlugin and loadPlugin are package-private.
 */
public class ClasspathPluginsService extends PluginsService {

    private final List<LoadedPlugin> loaded;
    private final PluginsAndModules info;

    public ClasspathPluginsService(Settings settings, Environment environment, List<Class<? extends Plugin>> classes) {
        super(settings, environment.configDir(), PluginsLoader.createPluginsLoader(Set.of(), Set.of(), Map.of(), false));
        List<LoadedPlugin> plugins = new ArrayList<>();
        List<PluginRuntimeInfo> infos = new ArrayList<>();
        for (Class<? extends Plugin> cls : classes) {
            Plugin instance = loadPlugin(cls, settings, environment.configDir());
            PluginDescriptor descriptor = new PluginDescriptor(
                cls.getName(), "loaded from the classpath", "NA", Version.CURRENT.toString(),
                Integer.toString(Runtime.version().feature()), cls.getName(), null, List.of(),
                false, false, false, false);
            plugins.add(new LoadedPlugin(descriptor, instance, cls.getClassLoader()));
            infos.add(new PluginRuntimeInfo(descriptor));
        }
        this.loaded = List.copyOf(plugins);
        this.info = new PluginsAndModules(infos, List.of());
    }

    @Override
    protected List<LoadedPlugin> plugins() {
        return loaded;
    }

    @Override
    public PluginsAndModules info() {
        return info;
    }
}

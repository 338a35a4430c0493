package org.conflictwire.search;

import java.util.Collection;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.apache.lucene.analysis.en.EnglishPossessiveFilter;
import org.apache.lucene.analysis.en.KStemFilter;
import org.apache.lucene.analysis.en.PorterStemFilter;
import org.apache.lucene.analysis.miscellaneous.ASCIIFoldingFilter;
import org.elasticsearch.Build;
import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.admin.cluster.state.ClusterStateRequest;
import org.elasticsearch.action.admin.cluster.state.ClusterStateResponse;
import org.elasticsearch.client.internal.node.NodeClient;
import org.elasticsearch.cluster.metadata.IndexNameExpressionResolver;
import org.elasticsearch.cluster.node.DiscoveryNodes;
import org.elasticsearch.common.io.stream.NamedWriteableRegistry;
import org.elasticsearch.common.settings.ClusterSettings;
import org.elasticsearch.common.settings.IndexScopedSettings;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.common.settings.SettingsFilter;
import org.elasticsearch.core.TimeValue;
import org.elasticsearch.features.NodeFeature;
import org.elasticsearch.index.analysis.PreConfiguredTokenFilter;
import org.elasticsearch.node.Node;
import org.elasticsearch.plugins.ActionPlugin;
import org.elasticsearch.plugins.AnalysisPlugin;
import org.elasticsearch.plugins.Plugin;
import org.elasticsearch.rest.BaseRestHandler;
import org.elasticsearch.rest.RestController;
import org.elasticsearch.rest.RestHandler;
import org.elasticsearch.rest.RestRequest;
import org.elasticsearch.rest.RestResponse;
import org.elasticsearch.rest.RestStatus;
import org.elasticsearch.xcontent.XContentBuilder;

/**
 * What a packaged Elasticsearch takes from two modules Elastic does not publish to Maven Central.
 *
 * analysis-common: the token filters our index contract names (asciifolding, english_possessive,
 * porter_stem, kstem), registered under the same names and backed by the same Lucene classes, so one
 * mapping works on this node and on any 8.x cluster.
 * rest-root: GET / (and HEAD /), the node's name, cluster and version, which clients use to identify it.
 */
public class DistributionModulesPlugin extends Plugin implements AnalysisPlugin, ActionPlugin {

    private final Settings settings;

    public DistributionModulesPlugin(Settings settings) {
        this.settings = settings;
    }

    @Override
    public List<PreConfiguredTokenFilter> getPreConfiguredTokenFilters() {
        return List.of(
            PreConfiguredTokenFilter.singleton("asciifolding", true, ASCIIFoldingFilter::new),
            PreConfiguredTokenFilter.singleton("english_possessive", false, EnglishPossessiveFilter::new),
            PreConfiguredTokenFilter.singleton("porter_stem", false, PorterStemFilter::new),
            PreConfiguredTokenFilter.singleton("kstem", false, KStemFilter::new)
        );
    }

    @Override
    public Collection<RestHandler> getRestHandlers(Settings ignored, NamedWriteableRegistry registry, RestController controller,
            ClusterSettings clusterSettings, IndexScopedSettings indexScopedSettings, SettingsFilter settingsFilter,
            IndexNameExpressionResolver resolver, Supplier<DiscoveryNodes> nodes, Predicate<NodeFeature> clusterSupportsFeature) {
        return List.of(new RootHandler(Node.NODE_NAME_SETTING.get(settings)));
    }

    static final class RootHandler extends BaseRestHandler {
        private final String nodeName;

        RootHandler(String nodeName) {
            this.nodeName = nodeName;
        }

        @Override
        public String getName() {
            return "conflictwire_root_action";
        }

        @Override
        public List<Route> routes() {
            return List.of(new Route(RestRequest.Method.GET, "/"), new Route(RestRequest.Method.HEAD, "/"));
        }

        @Override
        protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
            ClusterStateRequest state = new ClusterStateRequest(TimeValue.THIRTY_SECONDS).clear().metadata(true).local(true);
            return channel -> client.admin().cluster().state(state, ActionListener.wrap(response -> {
                if (request.method() == RestRequest.Method.HEAD) {
                    channel.sendResponse(new RestResponse(RestStatus.OK, "application/json", ""));
                    return;
                }
                channel.sendResponse(new RestResponse(RestStatus.OK, describe(channel.newBuilder(), response)));
            }, e -> {
                try {
                    channel.sendResponse(new RestResponse(channel, e));
                } catch (java.io.IOException io) {
                    e.addSuppressed(io);
                    channel.sendResponse(new RestResponse(RestStatus.INTERNAL_SERVER_ERROR, e.toString()));
                }
            }));
        }

        private XContentBuilder describe(XContentBuilder b, ClusterStateResponse response) throws java.io.IOException {
            Build build = Build.current();
            b.startObject();
            b.field("name", nodeName);
            b.field("cluster_name", response.getClusterName().value());
            b.field("cluster_uuid", response.getState().metadata().clusterUUID());
            b.startObject("version");
            b.field("number", build.qualifiedVersion());
            b.field("build_flavor", build.flavor());
            b.field("build_type", build.type().displayName());
            b.field("build_hash", build.hash());
            b.field("build_date", build.date());
            b.field("build_snapshot", build.isSnapshot());
            b.field("lucene_version", org.apache.lucene.util.Version.LATEST.toString());
            b.field("minimum_wire_compatibility_version", build.minWireCompatVersion());
            b.field("minimum_index_compatibility_version", build.minIndexCompatVersion());
            b.endObject();
            b.field("tagline", "You Know, for Search");
            b.endObject();
            return b;
        }
    }
}

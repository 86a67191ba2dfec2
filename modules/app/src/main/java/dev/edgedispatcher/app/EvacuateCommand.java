package dev.edgedispatcher.app;

import dev.edgedispatcher.backbone.Topology;
import dev.edgedispatcher.callback.Region;
import dev.edgedispatcher.scheduler.regions.StayingAccounts;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code dispatcher evacuate}: moves a down region's queued jobs that may move (docs/regions.md, "Evacuation"). */
@Command(name = "evacuate", mixinStandardHelpOptions = true,
        description = {"Moves the jobs queued in a region whose workers are down to the nearest regions that are up:"
                + " er=nearest and er=local jobs without an ordering key, of accounts that do not stay, once each, keeping"
                + " their id and webhook-id; marks them finished in the region's consumer group so its workers skip them"
                + " when they return. Jobs naming the region, ordered jobs and staying accounts' jobs stay.",
                "Exit codes: 0 done, 2 bad input or the region's workers are alive, 3 Kafka refused the user,"
                        + " 4 a cluster is unavailable."})
final class EvacuateCommand implements Callable<Integer> {

    @Option(names = "--region", paramLabel = "R", required = true, description = "The region to evacuate.")
    String regionName;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers (home; required unless --topology names home).")
    String bootstrap;

    @Option(names = "--dry-run", description = "Count what would move and what would stay; send and commit nothing.")
    boolean dryRun;

    @Option(names = "--accounts", paramLabel = "FILE",
            description = "The accounts file: accounts with \"failover\": false stay (data residency).")
    Path accountsFile;

    @Mixin
    KafkaClientOptions kafkaClientOptions;

    @Mixin
    TopologyOptions topologyOptions;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Region region = Region.fromWireName(regionName).orElseThrow(() -> new ParameterException(spec.commandLine(),
                "--region " + regionName + " is not a region: allowed are " + Region.allWireNames()));
        Topology topology = topologyOptions.resolve(spec, kafkaClientOptions, bootstrap);
        Set<String> staying = accountsFile == null ? Set.of() : StayingAccounts.load(accountsFile);
        RegionEvacuation.Report report;
        try {
            report = new RegionEvacuation(topology, region, staying, err).run(dryRun);
        } catch (RegionEvacuation.WorkersAlive e) {
            err.println("error: " + e.getMessage());
            err.flush();
            return ExitCode.INVALID_INPUT;
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            err.println("error: a Kafka cluster did not answer: " + e.getMessage());
            err.flush();
            return ExitCode.UNAVAILABLE;
        }
        out.printf("evacuate %s%s: scanned %d, already finished %d, %s %d (%s), stayed %d (explicit %d, ordering key %d,"
                + " account %d, no region up %d, unreadable %d), not handled %d%n", region.wireName(),
                report.dryRun() ? " (dry run)" : "", report.scanned(), report.alreadyDone(), report.dryRun() ? "would move" : "moved",
                report.movedTotal(), report.moved().entrySet().stream().map(e -> e.getKey().wireName() + "=" + e.getValue())
                        .collect(java.util.stream.Collectors.joining(", ")), report.stayed(), report.stayedExplicit(), report.stayedOrdered(),
                report.stayedAccount(), report.stayedNoRegionUp(), report.unreadable(), report.notHandled());
        out.flush();
        return ExitCode.OK;
    }
}

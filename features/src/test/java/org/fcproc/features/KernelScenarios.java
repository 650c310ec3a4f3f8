package org.fcproc.features;

import static io.cucumber.junit.platform.engine.Constants.GLUE_PROPERTY_NAME;
import static io.cucumber.junit.platform.engine.Constants.PLUGIN_PROPERTY_NAME;

import org.junit.platform.suite.api.ConfigurationParameter;
import org.junit.platform.suite.api.ExcludeTags;
import org.junit.platform.suite.api.IncludeEngines;
import org.junit.platform.suite.api.SelectPackages;
import org.junit.platform.suite.api.Suite;

/**
 * The scenario catalogue on the real Linux kernel: every feature but those tagged
 * {@code @sim-only}, run by the Surefire execution {@code kernel-scenarios} (features/pom.xml)
 * with {@code fcproc.scenario.backend=kernel}, in a JVM that the wrapper
 * {@code src/test/kernel-root/bin/java} starts in a private root filesystem inside throwaway
 * mount, network and pid namespaces (see {@code driver/KernelScenarioHost}). Not root, or
 * without unshare or overlayfs, every scenario is skipped with the reason printed.
 */
@Suite
@IncludeEngines("cucumber")
@SelectPackages("features")
@ConfigurationParameter(key = GLUE_PROPERTY_NAME, value = "org.fcproc.features.steps,org.fcproc.features.driver")
@ExcludeTags("sim-only") // left out at discovery, so they are not counted as skipped
@ConfigurationParameter(
    key = PLUGIN_PROPERTY_NAME,
    value = "org.fcproc.features.report.ScenarioLines, org.fcproc.features.report.SecurityReport:target/security-report, summary, html:target/cucumber-reports/kernel.html, junit:target/cucumber-reports/kernel.xml")
public class KernelScenarios {}

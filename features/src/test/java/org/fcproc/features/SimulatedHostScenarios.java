package org.fcproc.features;

import static io.cucumber.junit.platform.engine.Constants.GLUE_PROPERTY_NAME;
import static io.cucumber.junit.platform.engine.Constants.PLUGIN_PROPERTY_NAME;

import org.junit.platform.suite.api.ConfigurationParameter;
import org.junit.platform.suite.api.IncludeEngines;
import org.junit.platform.suite.api.SelectPackages;
import org.junit.platform.suite.api.Suite;

/**
 * The scenario catalogue on the simulated host: every feature, no root needed. Select scenarios
 * with {@code -Dcucumber.filter.tags="@S1 or @C3"}.
 */
@Suite
@IncludeEngines("cucumber")
@SelectPackages("features")
@ConfigurationParameter(key = GLUE_PROPERTY_NAME, value = "org.fcproc.features.steps")
@ConfigurationParameter(
    key = PLUGIN_PROPERTY_NAME,
    value = "org.fcproc.features.report.ScenarioLines, org.fcproc.features.report.SecurityReport:target/security-report, summary, html:target/cucumber-reports/simulated-host.html, junit:target/cucumber-reports/simulated-host.xml")
public class SimulatedHostScenarios {}

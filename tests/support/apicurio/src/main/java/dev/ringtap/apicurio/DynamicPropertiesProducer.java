package dev.ringtap.apicurio;

import io.apicurio.common.apps.config.DynamicConfigPropertyList;
import java.util.List;
import javax.enterprise.inject.Produces;
import javax.inject.Singleton;

/**
 * Stands in for apicurio-common-app-components-config-index: its Quarkus
 * deployment module (which lists the properties that can change at run time)
 * is not on Maven Central. With an empty list no property is dynamic: each
 * keeps its configured value, which is all the test needs.
 */
public class DynamicPropertiesProducer {
    @Produces
    @Singleton
    DynamicConfigPropertyList dynamicConfigPropertyList() {
        return new DynamicConfigPropertyList(List.of());
    }
}

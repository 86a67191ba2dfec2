package dev.edgedispatcher.callback;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

class ArchitectureTest {

    private final JavaClasses production = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.edgedispatcher.callback");

    @Test
    void callbackConfigDependsOnNothingButTheJdk() {
        classes().should().onlyDependOnClassesThat()
                .resideInAnyPackage("java..", "dev.edgedispatcher.callback..")
                .check(production);
    }

    @Test
    void theImportSawTheProductionClasses() {
        // Guards the rule above against passing vacuously on an empty import.
        org.assertj.core.api.Assertions.assertThat(production.contain(FragmentParser.class)).isTrue();
        org.assertj.core.api.Assertions.assertThat(production.contain(RetryDecider.class)).isTrue();
    }
}

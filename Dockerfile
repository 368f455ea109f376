# relengapi-proxy as a Mozilla Dockerflow container: build with ./build.sh IMAGE (or docker build -t IMAGE .).
#
# Stage 1 builds the runnable jar (Java 17 bytecode, --release 17, with a JDK 25); stage 2 makes the trimmed Java 25
# runtime, its AOT cache and /app/version.json with scripts/make-runtime.sh (the same script CI runs outside Docker:
# it trains the cache over a production-like run and ends with one proxied request); the final image holds only the
# runtime, the cache, the jar and those files, and runs as the non-root user app (uid 10001).

FROM maven:3.9-eclipse-temurin-25 AS build
WORKDIR /src
COPY pom.xml ./
RUN mvn -B -q dependency:go-offline
COPY .git .git
COPY src src
COPY webapp webapp
RUN mvn -B -q package -DskipTests

FROM eclipse-temurin:25-jdk AS runtime
COPY --from=build /src/target/relengapi-proxy.jar /app/relengapi-proxy.jar
COPY scripts/make-runtime.sh scripts/jvm.options /tmp/
RUN bash /tmp/make-runtime.sh /app/relengapi-proxy.jar /opt/relengapi-proxy

FROM debian:bookworm-slim
RUN useradd --uid 10001 --user-group --no-create-home --home-dir /app --shell /usr/sbin/nologin app
COPY --from=runtime /opt/relengapi-proxy/runtime /opt/relengapi-proxy/runtime
COPY --from=runtime /opt/relengapi-proxy/app.aot /opt/relengapi-proxy/app.aot
COPY --from=runtime /opt/relengapi-proxy/version.json /app/version.json
COPY --from=runtime /app/relengapi-proxy.jar /app/relengapi-proxy.jar
COPY scripts/jvm.options /app/jvm.options
USER 10001:10001
EXPOSE 80
# The JVM flags are in jvm.options (scripts/jvm.options); the AOT cache shortens start-up, and the JVM uses it only
# with the jar it was trained with, at this path, and those flags (make-runtime.sh trained it so). The worker
# appends its arguments, e.g. --relengapi-token=... -- <taskId>.
ENTRYPOINT ["/opt/relengapi-proxy/runtime/bin/java", "@/app/jvm.options", \
            "-XX:AOTCache=/opt/relengapi-proxy/app.aot", "-jar", "/app/relengapi-proxy.jar", "--port", "80"]
CMD ["--help"]

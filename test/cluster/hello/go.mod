module github.com/gin-deploy/test/cluster/hello

go 1.26.0
